/// The frame of every signed-in page: header, navigation, main content, sign-out.
enum LayoutTemplate {
    static let text = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · runbook portal</title>
        <link rel="icon" href="/portal/assets/favicon.svg" type="image/svg+xml">
        <link rel="stylesheet" href="/portal/assets/portal.css">
        <script src="/portal/assets/portal.js" defer></script>
        </head>
        <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <a class="brand" href="/portal/machines">runbook</a>
          {{^signIn}}
          <nav aria-label="Sections">
            <a href="/portal/machines"{{#nav_machines}} aria-current="page"{{/nav_machines}}>Virtual machines</a>
            <a href="/portal/changes"{{#nav_changes}} aria-current="page"{{/nav_changes}}>Change tracking</a>
            <a href="/portal/inventory"{{#nav_inventory}} aria-current="page"{{/nav_inventory}}>Inventory</a>
            <a href="/portal/tracking"{{#nav_tracking}} aria-current="page"{{/nav_tracking}}>Tracking settings</a>
            <a href="/portal/runbooks"{{#nav_runbooks}} aria-current="page"{{/nav_runbooks}}>Runbooks</a>
            <a href="/portal/jobs"{{#nav_jobs}} aria-current="page"{{/nav_jobs}}>Jobs</a>
            <a href="/portal/schedules"{{#nav_schedules}} aria-current="page"{{/nav_schedules}}>Schedules</a>
            <a href="/portal/logs"{{#nav_logs}} aria-current="page"{{/nav_logs}}>Logs</a>
          </nav>
          {{/signIn}}
          {{^signedOut}}
          <form class="who" method="post" action="/portal/signout">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <span>{{user}}{{#readOnly}} <span class="badge">read-only</span>{{/readOnly}}</span>
            <button type="submit">Sign out</button>
          </form>
          {{/signedOut}}
        </header>
        <main id="main">
        <h1>{{title}}</h1>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        {{#readOnly}}{{^signedOut}}<p class="hint">Your token is read-only: buttons that change state are disabled.</p>{{/signedOut}}{{/readOnly}}
        {{$content}}{{/content}}
        </main>
        </body>
        </html>
        """
}
