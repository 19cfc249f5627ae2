/// The Virtual machines page and the result of Enable.
enum MachinesTemplate {
    static let text = """
        {{<layout}}{{$content}}
        {{#account}}
        <p class="hint">Account <strong>{{name}}</strong> · workspace <strong>{{workspace}}</strong> ·
        {{^showAll}}showing machines in subscription {{subscription}} and location {{location}}
        {{#hiddenText}}({{hiddenText}}) {{/hiddenText}}<a href="/portal/machines?all=1">Show all machines</a>{{/showAll}}
        {{#showAll}}showing every machine · <a href="/portal/machines">Only this account's subscription and location</a>{{/showAll}}</p>
        {{/account}}
        {{^hasMachines}}
        <p class="empty">No machines here yet: register one with <code>runbook machine register</code> or
        <code>runbook apply automation.yaml</code>{{^showAll}}, or <a href="/portal/machines?all=1">show all machines</a>{{/showAll}}.</p>
        {{/hasMachines}}
        {{#hasMachines}}
        <form method="post" action="/portal/machines/enable">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <div class="table-wrap">
        <table>
        <caption class="sr">Registered machines</caption>
        <thead><tr><th scope="col"><span class="sr">Select</span></th><th scope="col">Name</th><th scope="col">Operating system</th>
        <th scope="col">Location</th><th scope="col">Subscription</th><th scope="col">Route</th>
        <th scope="col">Change Tracking</th><th scope="col">Inventory</th></tr></thead>
        <tbody>
        {{#machines}}
        <tr>
        <td><input type="checkbox" name="machine" value="{{name}}" id="m-{{name}}" aria-label="Select {{name}}"></td>
        <td><label for="m-{{name}}">{{name}}</label></td><td>{{os}}</td><td>{{location}}</td>
        <td class="mono">{{subscription}}</td><td>{{route}}</td>
        <td>{{#tracking}}<span class="ok">Enabled</span> <time datetime="{{iso}}">{{utc}}</time>{{/tracking}}{{^tracking}}Not enabled{{/tracking}}</td>
        <td>{{#inventory}}<span class="ok">Enabled</span> <time datetime="{{iso}}">{{utc}}</time>{{/inventory}}{{^inventory}}Not enabled{{/inventory}}</td>
        </tr>
        {{/machines}}
        </tbody>
        </table>
        </div>
        {{#range}}<p class="pager">{{range}} · {{#previous}}<a href="/portal/machines{{previous}}">Previous</a> {{/previous}}{{#next}}<a href="/portal/machines{{next}}" rel="next">Next</a>{{/next}}</p>{{/range}}
        <fieldset class="card">
        <legend>Services</legend>
        <label><input type="radio" name="solution" value="ChangeTracking" checked> Change Tracking</label>
        <label><input type="radio" name="solution" value="Inventory"> Inventory</label>
        <fieldset>
        <legend>Automation account and workspace</legend>
        <label><input type="radio" name="configuration" value="default" checked> Default{{#account}} ({{name}}, {{workspace}}){{/account}}</label>
        <label><input type="radio" name="configuration" value="custom"> Custom</label>
        <label for="account">Account</label>
        <select id="account" name="account">{{#accounts}}<option value="{{name}}"{{#isDefault}} selected{{/isDefault}}>{{name}}</option>{{/accounts}}</select>
        <label for="workspace">Workspace (empty: the account's own)</label>
        <input id="workspace" name="workspace" type="text">
        </fieldset>
        <button type="submit" class="primary" id="enable" {{disabled}}>Enable</button>
        </fieldset>
        </form>
        {{/hasMachines}}
        {{/content}}{{/layout}}
        """
}

enum EnabledTemplate {
    static let text = """
        {{<layout}}{{$content}}
        {{#aborted}}<p class="error" role="alert">Nothing was enabled: {{aborted}}.</p>{{/aborted}}
        <ul class="results">
        {{#results}}
        <li class="{{#succeeded}}ok{{/succeeded}}{{^succeeded}}refused{{/succeeded}}" data-machine="{{machine}}">
        <strong>{{machine}}</strong>: {{#succeeded}}enabled{{/succeeded}}{{^succeeded}}refused{{/succeeded}}
        <ul>{{#lines}}<li>{{.}}</li>{{/lines}}</ul>
        </li>
        {{/results}}
        </ul>
        {{#general}}<p class="hint">{{.}}</p>{{/general}}
        <p><a href="/portal/machines">Back to Virtual machines</a> · <a href="/portal/runbooks/scan">Run a scan</a></p>
        {{/content}}{{/layout}}
        """
}
