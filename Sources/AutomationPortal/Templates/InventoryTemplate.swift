/// Inventory tabs.
enum InventoryTemplate {
    static let text = """
        {{<layout}}{{$content}}
        <nav class="tabs" aria-label="Inventory types">{{#tabs}}<a href="/portal/inventory{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a>{{/tabs}}</nav>
        <form class="filters" method="get" action="/portal/inventory">
        <input type="hidden" name="type" value="{{type}}">
        <label>Machine <select name="machine">{{#machines}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/machines}}</select></label>
        <label>Search <input type="search" name="q" value="{{q}}"></label>
        <button type="submit">Apply</button>
        </form>
        {{^hasRows}}<p class="empty">Nothing here yet: enable Inventory on <a href="/portal/machines">Virtual machines</a> and <a href="/portal/runbooks/scan">run a scan</a>; each scan refreshes the inventory.</p>{{/hasRows}}
        {{#hasRows}}
        <div class="table-wrap">
        <table id="inventory">
        <thead><tr><th scope="col">Machine</th><th scope="col">Item</th><th scope="col">{{valueColumn}}</th><th scope="col">Scanned</th></tr></thead>
        <tbody>{{#rows}}<tr><td>{{computer}}</td><td class="key">{{key}}</td><td class="mono">{{value}}</td><td>{{#at}}<time datetime="{{iso}}">{{utc}}</time>{{/at}}</td></tr>{{/rows}}</tbody>
        </table>
        </div>
        {{#truncatedText}}<p class="hint">{{truncatedText}}</p>{{/truncatedText}}
        {{/hasRows}}
        {{/content}}{{/layout}}
        """
}
