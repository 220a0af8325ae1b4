// Billing over HTTP (admin scope): price cards, groups of keys, quotas, spend and statements (JSON, CSV, HTML).
// Every change is audited by the billing service.
import express, { type Router } from 'express';
import { statementCsv, statementHtml } from '../../../billing/statementFormats';
import type { NodeServices } from '../../../node';
import { actorOf } from '../../../admission/audit';
import { mount } from '../../mount';

export function billingRouter(s: NodeServices): Router {
  const router = express.Router();
  const { billing } = s;

  mount(router, 'billingPrices', () => billing.prices());
  mount(router, 'setBillingPrices', ({ body, principal }) => billing.setPrices(body, actorOf(principal)));
  mount(router, 'billingGroups', () => ({ groups: billing.groups() }));
  mount(router, 'createBillingGroup', ({ body, principal }) => billing.saveGroup(body, actorOf(principal)));
  mount(router, 'updateBillingGroup', ({ params, body, principal }) => billing.saveGroup(body, actorOf(principal), params.id));
  mount(router, 'deleteBillingGroup', ({ params, principal }) => billing.deleteGroup(params.id, actorOf(principal)));
  mount(router, 'billingQuotas', async () => ({ quotas: await billing.quotas() }));
  mount(router, 'createBillingQuota', ({ body, principal }) => billing.saveQuota(body, actorOf(principal)));
  mount(router, 'updateBillingQuota', ({ params, body, principal }) => billing.saveQuota(body, actorOf(principal), params.id));
  mount(router, 'deleteBillingQuota', ({ params, principal }) => billing.deleteQuota(params.id, actorOf(principal)));
  mount(router, 'billingSpend', ({ query }) => billing.spend(query.from, query.to));
  mount(router, 'billingStatements', ({ query, res }) => {
    const statement = billing.statement(query);
    const name = `hearth-statement-${statement.subject.name ?? 'all'}-${statement.from}-${statement.to}`.replace(/[^\w.-]+/g, '_');
    if (query.format === 'csv') {
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader('content-disposition', `attachment; filename="${name}.csv"`);
      res.send(statementCsv(statement));
      return;
    }
    if (query.format === 'html') {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.send(statementHtml(statement));
      return;
    }
    return statement;
  });

  return router;
}
