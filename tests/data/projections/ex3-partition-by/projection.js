fromAll()
  .partitionBy(function (e) { return e.body.customerId; })
  .when({
    $init: function () { return { visits: 0 }; },
    PageViewed: function (s, e) { s.visits += 1; s.lastPage = e.body.page; }
  });
