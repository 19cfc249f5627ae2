/// Logs: a KQL box, the span, and the results as a table.
enum LogsTemplate {
    static let text = """
        {{<layout}}{{$content}}
        <form method="get" action="/portal/logs" class="logs">
        <label for="q">Query over {{tables}}</label>
        <textarea id="q" name="q" rows="6" spellcheck="false" placeholder="{{example}}">{{query}}</textarea>
        <label for="timespan">Time range</label>
        <select id="timespan" name="timespan">{{#spans}}<option value="{{value}}"{{#selected}} selected{{/selected}}>Last {{value}}</option>{{/spans}}</select>
        <button type="submit">Run</button>
        </form>
        {{#error}}<pre class="error" role="alert">{{error}}</pre>{{/error}}
        {{#partial}}<p class="notice" role="status">Partial result: {{partial}}</p>{{/partial}}
        {{#columns.0}}<p>{{count}} row(s).</p>{{/columns.0}}
        {{#hasRows}}
        <div class="table-wrap"><table id="results">
        <thead><tr>{{#columns}}<th scope="col" title="{{type}}">{{name}}</th>{{/columns}}</tr></thead>
        <tbody>{{#rows}}<tr>{{#cells}}<td>{{#time}}<time datetime="{{iso}}">{{utc}}</time>{{/time}}{{^time}}{{text}}{{/time}}</td>{{/cells}}</tr>{{/rows}}</tbody>
        </table></div>
        {{/hasRows}}
        {{/content}}{{/layout}}
        """
}
