// Demo store: one state per customer stream. A signature arrives as binary bytes (not JSON): it is counted.
fromCategory('customer')
  .foreachStream()
  .when({
    $init: function () {
      return { name: null, email: null, city: null, tags: [], consent: false, documents: 0, signatures: 0 };
    },
    CustomerRegistered: function (s, e) {
      s.name = e.body.name;
      s.email = e.body.email;
      s.tags = e.body.tags;
    },
    EmailChanged: function (s, e) { s.email = e.body.email; },
    AddressChanged: function (s, e) { s.city = e.body.address.city; },
    TagsChanged: function (s, e) { s.tags = e.body.tags; },
    MarketingConsentChanged: function (s, e) { s.consent = e.body.consent; },
    DocumentAttached: function (s, e) { s.documents += 1; },
    SignatureCaptured: function (s, e) { s.signatures += 1; }
  });
