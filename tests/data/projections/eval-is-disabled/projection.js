fromAll().when({
  A: function (s, e) {
    s.value = eval('1 + 1');
  }
});
