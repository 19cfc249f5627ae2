/// Change tracking: chart, filters, table; and one change's detail.
enum ChangesTemplate {
    static let text = """
        {{<layout}}{{$content}}
        <form class="filters" method="get" action="/portal/changes">
        <label>Machine <select name="machine">{{#machines}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/machines}}</select></label>
        <label>Type <select name="type">{{#types}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/types}}</select></label>
        <label>Category <select name="category">{{#categories}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/categories}}</select></label>
        <label>Time range <select name="range">{{#ranges}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/ranges}}</select></label>
        <label>Search <input type="search" name="q" value="{{q}}" placeholder="path, name or machine"></label>
        <button type="submit">Apply</button>
        </form>
        {{#chart}}
        <figure class="chart">
        <svg viewBox="0 0 {{width}} {{height}}" role="img" aria-labelledby="chart-title" id="timeline">
        <title id="chart-title">{{summary}}</title>
        <line x1="{{left}}" y1="{{bottom}}" x2="{{right}}" y2="{{bottom}}" stroke="#555"/>
        <line x1="{{left}}" y1="{{top}}" x2="{{left}}" y2="{{bottom}}" stroke="#555"/>
        <text x="{{left}}" y="{{top}}" dx="-4" dy="8" text-anchor="end" font-size="11" fill="#333">{{peak}}</text>
        <text x="{{left}}" y="{{bottom}}" dx="-4" text-anchor="end" font-size="11" fill="#333">0</text>
        {{#bars}}<rect x="{{x}}" y="{{y}}" width="{{w}}" height="{{h}}" fill="{{fill}}"><title>{{label}}</title></rect>{{/bars}}
        <text x="{{left}}" y="{{labelY}}" font-size="11" fill="#333">{{startLabel}}</text>
        <text x="{{right}}" y="{{labelY}}" text-anchor="end" font-size="11" fill="#333">{{endLabel}}</text>
        </svg>
        <figcaption>{{summary}}. {{#legend}}<span class="key"><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="{{fill}}"/></svg> {{type}}</span> {{/legend}}</figcaption>
        </figure>
        {{/chart}}
        {{^hasChanges}}
        {{#filtered}}<p class="empty">No changes match these filters: widen the time range or clear the search.</p>{{/filtered}}
        {{^filtered}}<p class="empty">No changes yet: a machine's first scan is its baseline. Enable Change Tracking on
        <a href="/portal/machines">Virtual machines</a>, then <a href="/portal/runbooks/scan">run a scan</a> twice, with a change in between.</p>{{/filtered}}
        {{/hasChanges}}
        {{#hasChanges}}
        <div class="table-wrap">
        <table id="changes">
        <caption class="sr">Changes, newest first</caption>
        <thead><tr><th scope="col">Time</th><th scope="col">Machine</th><th scope="col">Type</th><th scope="col">Category</th><th scope="col">Item</th><th scope="col">Fields changed</th></tr></thead>
        <tbody>
        {{#changes}}
        <tr><td>{{#at}}<time datetime="{{iso}}">{{utc}}</time>{{/at}}</td><td>{{computer}}</td><td>{{type}}</td><td>{{category}}</td>
        <td class="key"><a href="/portal/changes/{{id}}">{{key}}</a></td><td>{{fields}}</td></tr>
        {{/changes}}
        </tbody>
        </table>
        </div>
        {{/hasChanges}}
        <p class="pager">{{#paged}}<a href="/portal/changes{{firstPage}}">Newest</a> {{/paged}}{{#next}}<a href="/portal/changes{{next}}" rel="next">Older changes</a>{{/next}}</p>
        {{/content}}{{/layout}}
        """
}

enum ChangeTemplate {
    static let text = """
        {{<layout}}{{$content}}
        <dl class="facts">
        <dt>Machine</dt><dd>{{computer}}</dd>
        <dt>Time</dt><dd>{{#at}}<time datetime="{{iso}}">{{utc}}</time>{{/at}}</dd>
        <dt>Type</dt><dd>{{type}}</dd>
        <dt>Category</dt><dd>{{category}}{{#svcChangeType}} ({{svcChangeType}}){{/svcChangeType}}</dd>
        <dt>Item</dt><dd class="key">{{key}}</dd>
        {{#jobId}}<dt>Found by job</dt><dd><a href="/portal/jobs/{{jobId}}">{{jobId}}</a></dd>{{/jobId}}
        </dl>
        <div class="table-wrap">
        <table id="sides">
        <caption>Previous and current values{{#added}} (added: no previous value){{/added}}{{#removed}} (removed: no current value){{/removed}}</caption>
        <thead><tr><th scope="col">Field</th><th scope="col">Previous</th><th scope="col">Current</th></tr></thead>
        <tbody>
        {{#fields}}<tr{{#changed}} class="changed"{{/changed}}><th scope="row">{{name}}{{#changed}} <span class="badge">changed</span>{{/changed}}</th><td class="mono">{{previous}}</td><td class="mono">{{current}}</td></tr>{{/fields}}
        </tbody>
        </table>
        </div>
        <p><a href="/portal/changes">Back to the timeline</a></p>
        {{/content}}{{/layout}}
        """
}
