fromStream('s-1').when({
  $init: function () { return { x: 1 }; }
});
