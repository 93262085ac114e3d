fromStream('account-1')
  .when({
    $init: () => ({ balance: 0 }),
    FundsDeposited: (s, e) => { s.balance += e.body.amountCents; },
    FundsWithdrawn: (s, e) => { s.balance -= e.body.amountCents; },
  })
  .transformBy(s => ({ euros: s.balance / 100 }));
