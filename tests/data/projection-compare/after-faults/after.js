fromCategory('account')
  .foreachStream()
  .when({
    $init: () => ({ deposits: 0 }),
    FundsDeposited: (s, e) => { s.deposits += 1; },
    FundsWithdrawn: (s, e) => { s.last.amount = e.body.amountCents; }, // s.last is undefined
  });
