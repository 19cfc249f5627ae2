/// The portal's only script: times in the browser's zone (UTC on hover), and a job's new
/// output while it runs. Every page reads without it.
enum Script {
    static let text = """
        "use strict";
        (function () {
          function localTimes(root) {
            root.querySelectorAll("time[datetime]").forEach(function (node) {
              if (node.dataset.local) { return; }
              var date = new Date(node.getAttribute("datetime"));
              if (isNaN(date.getTime())) { return; }
              node.title = node.textContent;
              node.textContent = date.toLocaleString();
              node.dataset.local = "1";
            });
          }
          function poll(list) {
            var job = list.dataset.job;
            var after = parseInt(list.dataset.after || "0", 10);
            fetch("/portal/jobs/" + job + "/streams.json?after=" + after, { credentials: "same-origin" })
              .then(function (response) { return response.ok ? response.json() : null; })
              .then(function (data) {
                if (!data) { return; }
                data.records.forEach(function (record) {
                  var item = document.createElement("li");
                  item.className = "st-" + record.stream.toLowerCase();
                  var stream = document.createElement("span");
                  stream.className = "stream";
                  stream.textContent = record.stream;
                  var time = document.createElement("time");
                  time.setAttribute("datetime", record.at);
                  time.textContent = record.at;
                  var message = document.createElement("span");
                  message.className = "msg";
                  message.textContent = record.message;
                  item.append(stream, " ", time, " ", message);
                  list.appendChild(item);
                  after = Math.max(after, record.seq);
                });
                list.dataset.after = String(after);
                if (data.records.length) {
                  var empty = document.getElementById("no-streams");
                  if (empty) { empty.remove(); }
                  localTimes(list);
                }
                var status = document.getElementById("job-status");
                if (status && status.textContent !== data.status) {
                  status.textContent = data.status;
                  status.className = "status s-" + data.status;
                }
                if (data.final) {
                  document.querySelectorAll("#stop, #suspend, #resume").forEach(function (b) { b.disabled = true; });
                } else {
                  setTimeout(function () { poll(list); }, 1000);
                }
              })
              .catch(function () { setTimeout(function () { poll(list); }, 3000); });
          }
          document.addEventListener("DOMContentLoaded", function () {
            localTimes(document);
            var list = document.getElementById("streams");
            if (list && list.dataset.live) { setTimeout(function () { poll(list); }, 1000); }
          });
        })();
        """
}
