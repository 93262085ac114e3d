// Demo store: one state per account stream. `balance` is in cents, as the events carry amounts.
fromCategory('account')
  .foreachStream()
  .when({
    $init: function () {
      return { owner: null, currency: null, balance: 0, overdraftLimitCents: 0, transactions: 0, declined: 0, status: 'new' };
    },
    AccountOpened: function (s, e) {
      s.owner = e.body.owner;
      s.currency = e.body.currency;
      s.overdraftLimitCents = e.body.overdraftLimitCents;
      s.status = 'open';
    },
    FundsDeposited: function (s, e) {
      s.balance += e.body.amountCents;
      s.transactions += 1;
    },
    FundsWithdrawn: function (s, e) {
      s.balance -= e.body.amountCents;
      s.transactions += 1;
    },
    WithdrawalDeclined: function (s, e) {
      s.declined += 1;
    },
    OverdraftLimitChanged: function (s, e) {
      s.overdraftLimitCents = e.body.limitCents;
    },
    AccountClosed: function (s, e) {
      s.status = 'closed';
    }
  });
