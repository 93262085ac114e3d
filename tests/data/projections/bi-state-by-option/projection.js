options({ biState: true });
fromAll()
  .partitionBy(function (e) { return e.body.team; })
  .when({
    Goal: function (s, e) {
      s[0].goals = (s[0].goals || 0) + 1;
      s[1].total = (s[1].total || 0) + 1;
    }
  });
