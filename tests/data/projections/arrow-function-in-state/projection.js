fromStream('a-1').when({
  T: function (s, e) {
    var pick = (a, b) => a;
    s.f = pick;
  }
});
