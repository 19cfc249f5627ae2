/// Tracking settings: tracked files and registry keys, and the forms to add, edit and remove.
enum TrackingTemplate {
    static let text = """
        {{<layout}}{{$content}}
        <p class="hint">Account <strong>{{account}}</strong> · limits profile {{profile}}. The same rules as <code>runbook tracking</code> apply.</p>
        {{#errors}}<p class="error" role="alert">{{.}}</p>{{/errors}}
        <h2>Files</h2>
        {{^hasFiles}}<p class="empty">No files tracked yet: add one below (for example /etc/hosts on Linux).</p>{{/hasFiles}}
        {{#hasFiles}}
        <div class="table-wrap"><table id="files">
        <thead><tr><th scope="col">Name</th><th scope="col">Group</th><th scope="col">OS</th><th scope="col">Path</th><th scope="col">Kind</th><th scope="col">Enabled</th><th scope="col">Actions</th></tr></thead>
        <tbody>{{#files}}<tr><td>{{name}}</td><td>{{group}}</td><td>{{os}}</td><td class="key">{{path}}</td><td>{{pathType}}{{#recurse}}, recursive{{/recurse}}</td><td>{{#enabled}}yes{{/enabled}}{{^enabled}}no{{/enabled}}</td>
        <td><a href="/portal/tracking?edit={{edit}}#file-form">Edit</a>
        <form class="inline" method="post" action="/portal/tracking/remove"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="name" value="{{name}}"><button type="submit" {{disabled}}>Remove</button></form></td></tr>{{/files}}</tbody>
        </table></div>
        {{/hasFiles}}
        <form id="file-form" class="card" method="post" action="/portal/tracking/save">
        <h3>{{#editingFile}}Edit file item{{/editingFile}}{{^editingFile}}Add a file item{{/editingFile}}</h3>
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="kind" value="file">
        {{#file}}
        <input type="hidden" name="original" value="{{original}}">
        <label for="f-name">Name</label><input id="f-name" name="name" value="{{name}}" required>
        <label for="f-os">Operating system</label><select id="f-os" name="os"><option value="linux">Linux</option><option value="windows"{{#windows}} selected{{/windows}}>Windows</option></select>
        <label for="f-path">Path (absolute; a wildcard only in the last segment)</label><input id="f-path" name="path" value="{{path}}" required>
        <label for="f-kind">Kind</label><select id="f-kind" name="pathType"><option value="file">File</option><option value="folder"{{#folder}} selected{{/folder}}>Folder</option></select>
        <label><input type="checkbox" name="recurse"{{#recurse}} checked{{/recurse}}> Recurse into subfolders</label>
        <label><input type="checkbox" name="enabled"{{#enabled}} checked{{/enabled}}> Enabled</label>
        <label for="f-group">Group</label><input id="f-group" name="group" value="{{group}}">
        {{/file}}
        <button type="submit" class="primary" {{disabled}}>Save</button>
        </form>
        <h2>Registry keys</h2>
        <div class="table-wrap"><table id="registry">
        <thead><tr><th scope="col">Name</th><th scope="col">Group</th><th scope="col">Key</th><th scope="col">Value</th><th scope="col">Enabled</th><th scope="col">Actions</th></tr></thead>
        <tbody>{{#registry}}<tr><td>{{name}}</td><td>{{group}}</td><td class="key">{{key}}</td><td>{{value}}</td><td>{{#enabled}}yes{{/enabled}}{{^enabled}}no{{/enabled}}</td>
        <td><a href="/portal/tracking?edit={{edit}}#registry-form">Edit</a>
        <form class="inline" method="post" action="/portal/tracking/remove"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="name" value="{{name}}"><button type="submit" {{disabled}}>Remove</button></form></td></tr>{{/registry}}</tbody>
        </table></div>
        <form id="registry-form" class="card" method="post" action="/portal/tracking/save">
        <h3>{{#editingKey}}Edit registry item{{/editingKey}}{{^editingKey}}Add a registry item{{/editingKey}}</h3>
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="kind" value="registry">
        {{#registryForm}}
        <input type="hidden" name="original" value="{{original}}">
        <label for="r-name">Name</label><input id="r-name" name="name" value="{{name}}" required>
        <label for="r-key">Key (HKEY_LOCAL_MACHINE\\...)</label><input id="r-key" name="key" value="{{key}}" required>
        <label for="r-value">Value (empty: every value of the key)</label><input id="r-value" name="value" value="{{value}}">
        <label><input type="checkbox" name="enabled"{{#enabled}} checked{{/enabled}}> Enabled</label>
        <label for="r-group">Group</label><input id="r-group" name="group" value="{{group}}">
        {{/registryForm}}
        <button type="submit" class="primary" {{disabled}}>Save</button>
        </form>
        {{/content}}{{/layout}}
        """
}
