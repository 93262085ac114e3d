// Adds bookkeeping that --ignore leaves out: no difference.
fromCategory('account')
  .foreachStream()
  .when({
    $init: () => ({ deposits: 0 }),
    FundsDeposited: (s, e) => { s.deposits += 1; s.lastSeen = e.sequenceNumber; },
  });
