fromCategory('player')
  .foreachStream()
  .when({
    $init: function () { return { score: 0 }; },
    $initShared: function () { return { best: 0, players: 0 }; },
    $created: function (s, e) { s[1].players += 1; },
    Scored: function (s, e) {
      s[0].score += e.body.points;
      if (s[0].score > s[1].best) s[1].best = s[0].score;
      return s;
    }
  });
