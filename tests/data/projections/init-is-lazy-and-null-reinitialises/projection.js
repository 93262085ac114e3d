fromAll()
  .foreachStream()
  .when({
    $init: function () { log('init'); return { n: 0 }; },
    $created: function (s, e) { log('created ' + e.partition); },
    Reset: function (s, e) { return null; },
    Tick: function (s, e) {
      if (s === null) { log('null state'); return { n: 100 }; }
      s.n += 1;
    }
  });
