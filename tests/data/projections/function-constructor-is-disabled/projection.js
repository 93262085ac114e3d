fromAll().when({
  A: function (s, e) {
    var make = (function () {}).constructor;
    s.value = make('return 1')();
  }
});
