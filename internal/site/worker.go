//go:build !(js && wasm)

package site

import "strings"

// WorkerTemplate returns the text/template of app-worker.js for go-app's
// Handler.ServiceWorkerTemplate. It is go-app v9.8.0's DefaultAppWorkerJS
// with these changes:
//
//   - the cache is named cachePrefix + version, and on activate the worker
//     deletes only the older caches with that prefix, never the caches of
//     other sites on the same origin (go-app's worker deletes them all);
//   - it answers only from its own cache, and only GET requests;
//   - a navigation matches the cached page whatever its query string, and
//     falls back to the cached start page when the network fails, so the
//     lab works offline once loaded, also with ?stickiness=… links;
//   - the precache bypasses the HTTP cache, so a new version never stores
//     stale files from it, and it stores the start page as "/base/" (go-app
//     lists "/base", which only redirects there).
func WorkerTemplate(cachePrefix string) string {
	return strings.Replace(workerJS, "__CACHE_PREFIX__", jsString(cachePrefix), 1)
}

const workerJS = `const cachePrefix = __CACHE_PREFIX__;
const cacheName = cachePrefix + "{{.Version}}";
// go-app lists the start page as "/base" (no slash), which only redirects to
// the page; cache "/base/" instead.
const scopePath = new URL(self.registration.scope).pathname;
const resourcesToCache = {{.ResourcesToCache}}.map((url) =>
  url + "/" === scopePath ? scopePath : url
);

self.addEventListener("install", (event) => {
  console.log("installing app worker {{.Version}}");

  event.waitUntil(
    caches
      .open(cacheName)
      .then((cache) => {
        return cache.addAll(
          resourcesToCache.map((url) => new Request(url, { cache: "reload" }))
        );
      })
      .then(() => {
        self.skipWaiting();
      })
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keyList) => {
      return Promise.all(
        keyList.map((key) => {
          if (key.startsWith(cachePrefix) && key !== cacheName) {
            return caches.delete(key);
          }
        })
      );
    })
  );
  console.log("app worker {{.Version}} is activated");
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const navigate = request.mode === "navigate";

  event.respondWith(
    caches.open(cacheName).then(async (cache) => {
      const cached = await cache.match(request, { ignoreSearch: navigate });
      if (cached) {
        return cached;
      }
      try {
        return await fetch(request);
      } catch (err) {
        if (navigate) {
          const start = await cache.match(self.registration.scope);
          if (start) {
            return start;
          }
        }
        throw err;
      }
    })
  );
});

self.addEventListener("push", (event) => {
  if (!event.data || !event.data.text()) {
    return;
  }

  const notification = JSON.parse(event.data.text());
  if (!notification) {
    return;
  }

  const title = notification.title;
  delete notification.title;

  if (!notification.data) {
    notification.data = {};
  }
  let actions = [];
  for (let i in notification.actions) {
    const action = notification.actions[i];

    actions.push({
      action: action.action,
      path: action.path,
    });

    delete action.path;
  }
  notification.data.goapp = {
    path: notification.path,
    actions: actions,
  };
  delete notification.path;

  event.waitUntil(self.registration.showNotification(title, notification));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();

  const notification = event.notification;
  let path = notification.data.goapp.path;

  for (let i in notification.data.goapp.actions) {
    const action = notification.data.goapp.actions[i];
    if (action.action === event.action) {
      path = action.path;
      break;
    }
  }

  event.waitUntil(
    clients
      .matchAll({
        type: "window",
      })
      .then((clientList) => {
        for (var i = 0; i < clientList.length; i++) {
          let client = clientList[i];
          if ("focus" in client) {
            client.focus();
            client.postMessage({
              goapp: {
                type: "notification",
                path: path,
              },
            });
            return;
          }
        }

        if (clients.openWindow) {
          return clients.openWindow(path);
        }
      })
  );
});
`
