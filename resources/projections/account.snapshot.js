// Demo store: rebuilds the account snapshots the demo keeps ({balanceCents, overdraftLimitCents, transactions,
// status}), for `eventscope-cli verify` and the snapshot compare view. The time-travel projection
// (account.projection.js) keeps more (owner, currency, declined) under other names.
fromCategory('account')
  .foreachStream()
  .when({
    $init: function () {
      return { balanceCents: 0, overdraftLimitCents: 0, transactions: 0, status: 'open' };
    },
    AccountOpened: function (s, e) { s.overdraftLimitCents = e.body.overdraftLimitCents; },
    FundsDeposited: function (s, e) { s.balanceCents += e.body.amountCents; s.transactions += 1; },
    FundsWithdrawn: function (s, e) { s.balanceCents -= e.body.amountCents; s.transactions += 1; },
    OverdraftLimitChanged: function (s, e) { s.overdraftLimitCents = e.body.limitCents; },
    AccountClosed: function (s, e) { s.status = 'closed'; }
  });
