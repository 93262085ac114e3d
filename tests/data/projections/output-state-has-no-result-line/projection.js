fromStream('c-1').when({
  $init: function () { return { n: 0 }; },
  $any: function (s, e) { s.n += 1; }
}).outputState();
