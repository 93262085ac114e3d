fromStream('a-1').when({ $init: function () { return { n: 0 }; }, T: function (s, e) { s.n += 1; } })
  .transformBy(function (s) {
    if (s.n === 2) throw new Error('no two');
    return { double: s.n * 2 };
  });
