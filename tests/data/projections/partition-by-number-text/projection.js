fromAll()
  .partitionBy(function (e) { return e.body.key; })
  .when({ $any: function (s, e) { s.n = (s.n || 0) + 1; } });
