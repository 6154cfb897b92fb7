// ECS `client.ip` is an Elasticsearch `ip` field, which refuses the whole document for anything but
// an address: an IPv6 link-local peer's zone (`fe80::1%eth0`, as Node reports it) is kept in
// `client.address` and left out of `client.ip`.

/** The address without its IPv6 zone. */
export function ipOf(address: string): string {
  const zone = address.indexOf('%');
  return zone < 0 ? address : address.slice(0, zone);
}
