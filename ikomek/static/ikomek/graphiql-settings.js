// graphene-django's GraphiQL reads its settings from window.GRAPHENE_SETTINGS; our page gives them as
// this script's data attributes, so it holds no inline script (decision 113).
(function () {
  "use strict";
  var given = document.currentScript.dataset;
  window.GRAPHENE_SETTINGS = {
    subscriptionPath: given.subscriptionPath || undefined,
    graphiqlHeaderEditorEnabled: given.headerEditor === "true",
    graphiqlShouldPersistHeaders: given.persistHeaders === "true",
    graphiqlInputValueDeprecation: given.inputValueDeprecation === "true"
  };
})();
