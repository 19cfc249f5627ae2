/// Runbooks: the list; one runbook's content and start form.
enum RunbooksTemplate {
    static let text = """
        {{<layout}}{{$content}}
        {{^hasRunbooks}}<p class="empty">No runbooks yet: publish one with <code>runbook publish FILE</code>.</p>{{/hasRunbooks}}
        {{#hasRunbooks}}
        <div class="table-wrap"><table id="runbooks">
        <thead><tr><th scope="col">Name</th><th scope="col">State</th><th scope="col">Description</th><th scope="col">Updated</th></tr></thead>
        <tbody>{{#runbooks}}<tr><td><a href="/portal/runbooks/{{href}}">{{name}}</a></td><td>{{state}}</td><td>{{description}}</td><td>{{#updated}}<time datetime="{{iso}}">{{utc}}</time>{{/updated}}</td></tr>{{/runbooks}}</tbody>
        </table></div>
        {{/hasRunbooks}}
        {{/content}}{{/layout}}
        """
}

enum RunbookTemplate {
    static let text = """
        {{<layout}}{{$content}}
        <p>{{description}}</p>
        <p class="hint">State: {{state}}{{#from}} · published from {{from}}{{/from}}</p>
        <section class="card" aria-labelledby="start-title">
        <h2 id="start-title">Start</h2>
        {{#errors}}<p class="error" role="alert">{{.}}</p>{{/errors}}
        {{^published}}<p class="empty">This runbook is not published: publish it first (<code>runbook publish FILE</code>).</p>{{/published}}
        {{#published}}
        <form method="post" action="/portal/runbooks/{{href}}/start" id="start-form">
        <input type="hidden" name="csrf" value="{{csrf}}">
        {{^hasFields}}<p class="hint">This runbook takes no parameters.</p>{{/hasFields}}
        {{#fields}}
        <div class="field{{#invalid}} invalid{{/invalid}}">
        <label for="{{id}}">{{name}} <span class="type">({{type}}{{#required}}, required{{/required}})</span></label>
        {{#hasChoices}}<select id="{{id}}" name="p.{{name}}">{{#choices}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/choices}}</select>{{/hasChoices}}
        {{#input}}<input id="{{id}}" name="p.{{name}}" type="{{input}}" value="{{value}}"{{#required}} required{{/required}}>{{/input}}
        <small>{{description}}{{#defaultText}} ({{defaultText}}){{/defaultText}}{{#listHint}} · {{listHint}}{{/listHint}}</small>
        {{#problems}}<p class="error" role="alert">{{.}}</p>{{/problems}}
        </div>
        {{/fields}}
        <button type="submit" class="primary" id="start" {{disabled}}>Start</button>
        </form>
        {{/published}}
        </section>
        <h2>Content</h2>
        <ol class="code" aria-label="Runbook content">{{#lines}}<li{{#invalid}} class="invalid"{{/invalid}}><code>{{text}}</code>{{#problems}}<span class="error">{{.}}</span>{{/problems}}</li>{{/lines}}</ol>
        {{/content}}{{/layout}}
        """
}
