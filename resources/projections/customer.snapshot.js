// Demo store: rebuilds the customer snapshots the demo keeps ({email, city, tags, consent}), for
// `eventscope-cli verify` and the snapshot compare view.
fromCategory('customer')
  .foreachStream()
  .when({
    $init: function () {
      return { email: null, city: null, tags: [], consent: false };
    },
    CustomerRegistered: function (s, e) { s.email = e.body.email; s.tags = e.body.tags; },
    EmailChanged: function (s, e) { s.email = e.body.email; },
    AddressChanged: function (s, e) { s.city = e.body.address.city; },
    TagsChanged: function (s, e) { s.tags = e.body.tags; },
    MarketingConsentChanged: function (s, e) { s.consent = e.body.consent; }
  });
