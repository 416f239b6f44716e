// A stand-in for Web Workers on a page opened from file:// (the offline bundle): browsers
// refuse `new Worker()` there, and Material runs its search in a worker. The worker's
// script runs instead in a hidden same-page iframe; messages cross as events.
// Material's search worker knows this arrangement by the global `IFrameWorker` (it then
// loads its language files with `importScripts`, awaited, from its own script's folder),
// and Material's offline plugin adds no polyfill of its own (from unpkg.com) when one
// named "iframe-worker" is configured: this file is named so.
(function () {
  "use strict";
  if (location.protocol !== "file:") return;

  function loadScript(scope, url) {
    return new Promise(function (resolve, reject) {
      var script = scope.document.createElement("script");
      script.src = url;
      script.onload = function () { resolve(); };
      script.onerror = function () { reject(new Error("cannot load " + url)); };
      scope.document.head.appendChild(script);
    });
  }

  class IFrameWorker extends EventTarget {
    constructor(url) {
      super();
      this.onmessage = null;
      this.onerror = null;
      var source = new URL(url, location.href).href;
      var frame = document.createElement("iframe");
      frame.hidden = true;
      frame.setAttribute("aria-hidden", "true");
      frame.tabIndex = -1;
      document.body.appendChild(frame);
      var scope = frame.contentWindow;
      var worker = this;
      scope.postMessage = function (data) {  // the worker's reply
        setTimeout(function () { worker._emit(new MessageEvent("message", { data: data })); });
      };
      scope.importScripts = function () {
        return Array.prototype.reduce.call(arguments, function (done, next) {
          return done.then(function () { return loadScript(scope, new URL(next, source).href); });
        }, Promise.resolve());
      };
      this._scope = scope;
      this._queue = [];
      this._ready = loadScript(scope, source).then(
        function () {
          var queued = worker._queue;
          worker._queue = null;
          queued.forEach(function (data) { worker._deliver(data); });
        },
        function (error) { worker._emit(new ErrorEvent("error", { message: error.message })); }
      );
    }

    _emit(event) {
      var handler = event.type === "message" ? this.onmessage : this.onerror;
      if (typeof handler === "function") handler.call(this, event);
      this.dispatchEvent(event);
    }

    _deliver(data) {
      this._scope.dispatchEvent(new this._scope.MessageEvent("message", { data: data }));
    }

    postMessage(data) {
      if (this._queue) this._queue.push(data);
      else this._deliver(data);
    }

    terminate() {
      var frame = this._scope.frameElement;
      if (frame) frame.remove();
    }
  }

  window.IFrameWorker = IFrameWorker;
  window.Worker = IFrameWorker;
})();
