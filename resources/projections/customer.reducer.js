// Demo store: the customer fold as { init, apply }. Non-JSON events (a binary signature) have no data.
({
  init: function () {
    return { name: null, email: null, city: null, tags: [], consent: false, documents: 0, signatures: 0 };
  },
  apply: function (s, event) {
    var d = event.data;
    switch (event.eventType) {
      case 'CustomerRegistered': s.name = d.name; s.email = d.email; s.tags = d.tags; break;
      case 'EmailChanged': s.email = d.email; break;
      case 'AddressChanged': s.city = d.address.city; break;
      case 'TagsChanged': s.tags = d.tags; break;
      case 'MarketingConsentChanged': s.consent = d.consent; break;
      case 'DocumentAttached': s.documents += 1; break;
      case 'SignatureCaptured': s.signatures += 1; break;
    }
    return s;
  }
});
