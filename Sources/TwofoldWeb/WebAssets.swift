import Hummingbird

/// The script and style sheet, served by the app itself (the CSP allows 'self' only) [WEB-5].
enum WebAssets {
    static func response(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Countdown, reload at the end of a period, copy on click. Everything else works without it.
    static let script = """
        "use strict";
        document.addEventListener("DOMContentLoaded", () => {
          const lefts = Array.from(document.querySelectorAll(".left"));
          if (lefts.length) setInterval(() => {
            for (const el of lefts) {
              let left = parseInt(el.dataset.left, 10) - 1;
              if (left <= 0) { location.reload(); return; }
              el.dataset.left = String(left);
              el.textContent = left + " s";
            }
          }, 1000);
          for (const b of document.querySelectorAll("button.code")) {
            b.addEventListener("click", async () => {
              const status = document.getElementById("copied");
              try {
                await navigator.clipboard.writeText(b.dataset.code);
                if (status) status.textContent = "Copied.";
              } catch (e) {
                if (status) status.textContent = "Could not copy: select the code instead.";
              }
            });
          }
        });
        """

    static let style = """
        body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 40rem; padding: 0.5rem; }
        header { display: flex; justify-content: space-between; align-items: center; gap: 0.5rem; }
        ul.codes { list-style: none; padding: 0; }
        li.token { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; padding: 0.5rem 0; border-bottom: 1px solid #ddd; }
        .issuer { font-weight: bold; }
        .account { color: #555; flex: 1; }
        button.code { font: 1.4rem monospace; letter-spacing: 0.1em; background: none; border: 1px solid #aaa; border-radius: 4px; cursor: pointer; }
        button:focus, input:focus { outline: 2px solid #06c; }
        .next { color: #777; font-family: monospace; }
        .error { color: #a00; }
        """
}
