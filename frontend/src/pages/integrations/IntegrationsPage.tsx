import { useState, type FormEvent } from 'react';
import type { ServiceAccountRead, WebhookSubscriptionRead } from '../../client';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { SelectField, TextField } from '../../components/Field';
import { formatDateTime } from '../../lib/format';
import { ROLE_LABELS, ROLES, isRole, roleLabel } from '../../lib/roles';
import { usePageTitle } from '../../lib/usePageTitle';
import {
  useCreateServiceAccount,
  useCreateToken,
  useCreateWebhookSubscription,
  useDeactivateServiceAccount,
  useRedeliver,
  useRevokeToken,
  useServiceAccounts,
  useSetWebhookActive,
  useTokens,
  useWebhookDeliveries,
  useWebhookEvents,
  useWebhookSubscriptions,
} from './hooks';

const when = (value: string | null | undefined) => (value ? formatDateTime(value) : '—');

/** Users › Integrations: service accounts with their API tokens, and outbound webhooks. */
export function IntegrationsPage() {
  usePageTitle('Integrations');
  const accounts = useServiceAccounts();
  return (
    <section>
      <h1>Integrations</h1>
      <p>
        Scripts authenticate as a service account with an API token (<code>Authorization: Bearer fct_…</code>
        ); integrations subscribe to events. See <code>docs/api.md</code>.
      </p>
      <h2>Service accounts</h2>
      <AddServiceAccountForm />
      <ErrorNotice error={accounts.error} prefix="The service accounts could not be loaded" />
      {accounts.data?.items.length === 0 ? <p>No service accounts yet.</p> : null}
      {accounts.data?.items.map((account) => (
        <ServiceAccountCard key={account.id} account={account} />
      ))}
      <h2>Webhooks</h2>
      <Webhooks />
    </section>
  );
}

function AddServiceAccountForm() {
  const create = useCreateServiceAccount();
  const [name, setName] = useState('');
  const [role, setRole] = useState('');
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!isRole(role)) return;
    create.mutate({ name, role, node_ids: [] }, { onSuccess: () => setName('') });
  }
  return (
    <form className="card" onSubmit={submit} aria-labelledby="add-sa-title">
      <h3 id="add-sa-title">Add a service account</h3>
      <ErrorNotice error={create.error} prefix="The service account was not added" />
      <TextField id="add-sa-name" label="Name" value={name} onValue={setName} required maxLength={200} />
      <SelectField id="add-sa-role" label="Role" value={role} onValue={setRole} required>
        <option value="" disabled>
          Choose a role
        </option>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {ROLE_LABELS[r]}
          </option>
        ))}
      </SelectField>
      <p className="hint">Owner roles get their financial scope on the Users page, like a person.</p>
      <button type="submit" disabled={create.isPending}>
        Add service account
      </button>
    </form>
  );
}

function ServiceAccountCard({ account }: { account: ServiceAccountRead }) {
  const tokens = useTokens(account.id);
  const createToken = useCreateToken();
  const revoke = useRevokeToken();
  const deactivate = useDeactivateServiceAccount();
  const [tokenName, setTokenName] = useState('');
  const [days, setDays] = useState('90');
  const [shown, setShown] = useState<string | null>(null);
  function issue(event: FormEvent) {
    event.preventDefault();
    createToken.mutate(
      {
        accountId: account.id,
        body: { name: tokenName, expires_in_days: days === '' ? null : Number(days) },
      },
      {
        onSuccess: (created) => {
          setShown(created.token);
          setTokenName('');
        },
      },
    );
  }
  return (
    <article className="card" aria-label={`Service account ${account.name}`} data-testid="service-account">
      <h3>
        {account.name} · {roleLabel(account.role)} {account.is_active ? '' : '(deactivated)'}
      </h3>
      <ErrorNotice error={createToken.error ?? revoke.error ?? deactivate.error} />
      {shown ? (
        <SuccessNotice>
          New token, shown only now: <code data-testid="new-token">{shown}</code>
        </SuccessNotice>
      ) : null}
      <table>
        <caption>Tokens of {account.name}</caption>
        <thead>
          <tr>
            <th>Name</th>
            <th>Prefix</th>
            <th>Status</th>
            <th>Created</th>
            <th>Expires</th>
            <th>Last used</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {tokens.data?.map((t) => (
            <tr key={t.id}>
              <td>{t.name}</td>
              <td>
                <code>{t.prefix}…</code>
              </td>
              <td>{t.status}</td>
              <td>{when(t.created_at)}</td>
              <td>{t.expires_at ? when(t.expires_at) : 'never'}</td>
              <td>{when(t.last_used_at)}</td>
              <td>
                {t.status === 'active' ? (
                  <button
                    type="button"
                    onClick={() => revoke.mutate({ accountId: account.id, tokenId: t.id })}
                    disabled={revoke.isPending}
                  >
                    Revoke
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {account.is_active ? (
        <>
          <form onSubmit={issue} aria-label={`New token for ${account.name}`}>
            <TextField
              id={`token-name-${account.id}`}
              label="Token name"
              value={tokenName}
              onValue={setTokenName}
              required
              maxLength={200}
            />
            <TextField
              id={`token-days-${account.id}`}
              label="Expires in days (empty: never)"
              value={days}
              onValue={setDays}
              type="number"
              min={1}
              max={3650}
            />
            <button type="submit" disabled={createToken.isPending}>
              Issue token
            </button>
          </form>
          <button type="button" onClick={() => deactivate.mutate(account.id)} disabled={deactivate.isPending}>
            Deactivate {account.name}
          </button>
        </>
      ) : null}
    </article>
  );
}

function Webhooks() {
  const events = useWebhookEvents();
  const subscriptions = useWebhookSubscriptions();
  const create = useCreateWebhookSubscription();
  const [url, setUrl] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [secret, setSecret] = useState<string | null>(null);
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      { url, events: chosen },
      {
        onSuccess: (created) => {
          setSecret(created.secret);
          setUrl('');
          setChosen([]);
        },
      },
    );
  }
  return (
    <>
      <form className="card" onSubmit={submit} aria-labelledby="add-webhook-title">
        <h3 id="add-webhook-title">Subscribe a URL</h3>
        <ErrorNotice error={create.error} prefix="The subscription was not created" />
        {secret ? (
          <SuccessNotice>
            Signing secret, shown only now: <code data-testid="webhook-secret">{secret}</code>
          </SuccessNotice>
        ) : null}
        <TextField id="webhook-url" label="URL (https)" value={url} onValue={setUrl} required type="url" />
        <fieldset>
          <legend>Events</legend>
          {events.data?.map((e) => (
            <label key={e.type} title={e.description}>
              <input
                type="checkbox"
                checked={chosen.includes(e.type)}
                onChange={(ev) =>
                  setChosen((c) => (ev.target.checked ? [...c, e.type] : c.filter((x) => x !== e.type)))
                }
              />{' '}
              {e.type}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={create.isPending || chosen.length === 0}>
          Subscribe
        </button>
      </form>
      <ErrorNotice error={subscriptions.error} prefix="The subscriptions could not be loaded" />
      {subscriptions.data?.map((s) => (
        <SubscriptionCard key={s.id} subscription={s} />
      ))}
    </>
  );
}

function SubscriptionCard({ subscription }: { subscription: WebhookSubscriptionRead }) {
  const deliveries = useWebhookDeliveries(subscription.id);
  const setActive = useSetWebhookActive();
  const redeliver = useRedeliver();
  return (
    <article className="card" aria-label={`Webhook ${subscription.url}`} data-testid="webhook-subscription">
      <h3>
        <code>{subscription.url}</code> {subscription.is_active ? '' : '(paused)'}
      </h3>
      <p>{subscription.events.join(', ')}</p>
      <ErrorNotice error={setActive.error ?? redeliver.error} />
      <button
        type="button"
        onClick={() => setActive.mutate({ id: subscription.id, active: !subscription.is_active })}
        disabled={setActive.isPending}
      >
        {subscription.is_active ? 'Pause' : 'Resume'}
      </button>
      <table>
        <caption>Deliveries</caption>
        <thead>
          <tr>
            <th>Event</th>
            <th>Status</th>
            <th>Attempts</th>
            <th>Last attempt</th>
            <th>Last error</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {deliveries.data?.items.map((d) => (
            <tr key={d.id}>
              <td>{d.event_type}</td>
              <td>{d.status}</td>
              <td>{d.attempts}</td>
              <td>{when(d.last_attempt_at)}</td>
              <td>{d.last_error ?? ''}</td>
              <td>
                <button
                  type="button"
                  onClick={() => redeliver.mutate({ subscriptionId: subscription.id, deliveryId: d.id })}
                  disabled={redeliver.isPending}
                >
                  Redeliver
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </article>
  );
}
