/// The portal's stylesheet: system fonts, readable contrast, one column under 700 px.
enum Stylesheet {
    static let text = """
        :root { --fg: #1b1b1b; --muted: #4a4a4a; --bg: #fff; --line: #c9c9c9; --accent: #0b5cad; --ok: #146c2e; --bad: #a4161a; --soft: #f3f5f8; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
        a { color: var(--accent); }
        a:focus, button:focus, input:focus, select:focus { outline: 3px solid #f0b400; outline-offset: 1px; }
        .skip { position: absolute; left: -999px; }
        .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; z-index: 2; }
        .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
        .top { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; padding: 8px 16px; background: #10243e; color: #fff; }
        .top a { color: #fff; text-decoration: none; padding: 4px 6px; border-radius: 4px; }
        .top a[aria-current="page"] { background: #2d4f7c; text-decoration: underline; }
        .top nav { display: flex; flex-wrap: wrap; gap: 4px; flex: 1; }
        .brand { font-weight: 700; }
        .who { display: flex; gap: 8px; align-items: center; }
        main { padding: 16px; max-width: 1400px; margin: 0 auto; }
        h1 { font-size: 1.5rem; margin: 0.2em 0 0.6em; overflow-wrap: anywhere; }
        h2 { font-size: 1.2rem; margin-top: 1.4em; }
        .table-wrap { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        thead th { background: var(--soft); }
        .key, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.9em; overflow-wrap: anywhere; }
        .card { border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; margin: 16px 0; background: #fcfcfd; }
        fieldset { border: 1px solid var(--line); border-radius: 6px; }
        label { display: block; margin: 6px 0 2px; }
        input[type=text], input[type=password], input[type=number], input[type=search], input:not([type]), select { font: inherit; padding: 5px 8px; border: 1px solid #767676; border-radius: 4px; max-width: 100%; min-width: 12em; }
        input[type=checkbox], input[type=radio] { width: 1.1em; height: 1.1em; }
        button { font: inherit; padding: 5px 14px; border-radius: 4px; border: 1px solid #5a5a5a; background: #fff; color: var(--fg); cursor: pointer; }
        button.primary { background: var(--accent); border-color: var(--accent); color: #fff; margin-top: 10px; }
        button:disabled { background: #e4e4e4; color: #6b6b6b; border-color: #b0b0b0; cursor: not-allowed; }
        .filters { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: flex-end; margin-bottom: 12px; }
        .filters label { margin: 0; }
        form.inline { display: inline; }
        .error { color: var(--bad); }
        p.error { border-left: 4px solid var(--bad); padding: 4px 10px; background: #fdf0f0; white-space: pre-wrap; }
        .notice { border-left: 4px solid var(--ok); padding: 4px 10px; background: #eef8f0; }
        .hint { color: var(--muted); }
        .empty { padding: 16px; background: var(--soft); border-radius: 6px; }
        .ok { color: var(--ok); }
        .refused { color: var(--bad); }
        .badge { font-size: 0.75em; border: 1px solid currentColor; border-radius: 8px; padding: 0 6px; }
        .results > li { margin-bottom: 8px; }
        .chart { margin: 0 0 16px; }
        .chart svg#timeline { width: 100%; height: auto; max-height: 260px; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
        .chart .key { margin-right: 12px; white-space: nowrap; font-family: inherit; }
        .pager a { margin-right: 16px; }
        tr.changed { background: #fff6d6; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        ol.code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.9em; background: var(--soft); padding: 8px 8px 8px 4em; overflow-x: auto; border-radius: 6px; }
        ol.code li { white-space: pre; }
        ol.code li::marker { color: var(--muted); }
        ol.code li.invalid { background: #fdf0f0; }
        ol.code .error { margin-left: 2em; font-family: system-ui, sans-serif; white-space: normal; }
        .field { margin-bottom: 10px; }
        .field.invalid input, .field.invalid select { border-color: var(--bad); }
        .field small { display: block; color: var(--muted); }
        .type { color: var(--muted); font-weight: normal; }
        .actions { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 12px 0; }
        ol.streams { list-style: none; padding: 8px; background: #101418; color: #e8e8e8; border-radius: 6px; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.9em; max-height: 60vh; overflow: auto; }
        ol.streams li { white-space: pre-wrap; overflow-wrap: anywhere; }
        ol.streams .stream { color: #9ec7ff; }
        ol.streams time { color: #b8b8b8; }
        ol.streams .st-error .msg { color: #ffb3b3; }
        ol.streams .st-warning .msg { color: #ffe08a; }
        .status { font-weight: 600; }
        .s-Completed { color: var(--ok); }
        .s-Failed, .s-Stopped { color: var(--bad); }
        ul.plain { list-style: none; padding: 0; margin: 0; }
        .signin { max-width: 420px; }
        .signin input { width: 100%; }
        @media (max-width: 700px) {
          body { font-size: 16px; }
          .top { padding: 8px; }
          .top nav { flex-basis: 100%; order: 3; }
          main { padding: 10px; }
          th, td { padding: 5px 4px; }
          .filters { flex-direction: column; align-items: stretch; }
          input[type=text], input[type=search], select { width: 100%; }
        }
        """
}
