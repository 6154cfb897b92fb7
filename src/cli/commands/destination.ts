// `lumetry destination add|list`. The signing secret is printed once, when the destination is added.
import { destinationName, destinationUrl, eventTypePattern } from '../../input-schemas.ts';
import { addDestination } from '../../tenancy.ts';
import { allowOnly, check } from '../args.ts';
import { type Command, print } from '../command.ts';
import { findTenant } from '../find-tenant.ts';

export const destinationAdd: Command = {
  words: ['destination', 'add'],
  usage: 'lumetry destination add TENANT --url URL [--name NAME] [--event-type TYPE]... [--disabled]',
  summary: 'add a webhook destination and print its signing secret once',
  run: async (context) => {
    allowOnly(context.flags, ['url', 'name', 'event-type', 'disabled']);
    const url = check(destinationUrl, context.flags.url, '--url');
    const name = check(destinationName, context.flags.name ?? new URL(url).host, '--name');
    const eventTypes = (context.flags['event-type'] ?? ['*']).map((type) => check(eventTypePattern, type, '--event-type'));
    const store = await context.store();
    const tenant = await findTenant(store, context.args[0]);
    const destination = await addDestination(store, { tenantId: tenant.id, name, url, eventTypes, enabled: !context.flags.disabled });
    print(
      context,
      `added destination ${destination.id} (${destination.name}) for tenant ${tenant.name}\nsigning secret: ${destination.signingSecret}\nThis is the only time the secret is shown: give it to the receiver now.`,
      destination,
    );
    return 0;
  },
};

export const destinationList: Command = {
  words: ['destination', 'list'],
  usage: 'lumetry destination list TENANT',
  summary: "list a tenant's destinations (without secrets)",
  run: async (context) => {
    allowOnly(context.flags, []);
    const store = await context.store();
    const destinations = await store.listDestinations((await findTenant(store, context.args[0])).id);
    const shown = destinations.map(({ signingSecret: _secret, ...rest }) => rest);
    const lines = shown.map((d) => `${d.id}  ${d.enabled ? 'enabled ' : 'disabled'}  ${d.name}  ${d.url}  [${d.eventTypes.join(', ')}]`);
    print(context, lines.join('\n') || '(no destinations)', shown);
    return 0;
  },
};
