fromCategory('customer')
  .foreachStream()
  .when({ $init: () => ({ events: 0 }), $any: (s, e) => { s.events += 1; } });
