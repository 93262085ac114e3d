// Now every stream: the accounts' and carts' appear as new partitions. One read serves both runs.
fromAll()
  .foreachStream()
  .when({ $init: () => ({ events: 0 }), $any: (s, e) => { s.events += 1; } });
