/// Schedules with next and last fires, and enable/disable.
enum SchedulesTemplate {
    static let text = """
        {{<layout}}{{$content}}
        {{^hasSchedules}}<p class="empty">No schedules yet: create one with <code>runbook schedule create --help</code>.</p>{{/hasSchedules}}
        {{#hasSchedules}}
        <div class="table-wrap"><table id="schedules">
        <thead><tr><th scope="col">Name</th><th scope="col">Recurrence</th><th scope="col">Runbooks</th><th scope="col">Next fires</th><th scope="col">Last fires</th><th scope="col">Enabled</th></tr></thead>
        <tbody>{{#schedules}}<tr>
        <td>{{name}}</td><td>{{frequency}} ({{zone}})</td><td>{{runbooks}}</td>
        <td>{{#problems}}<p class="error">{{.}}</p>{{/problems}}<ul class="plain">{{#next}}<li><time datetime="{{iso}}">{{utc}}</time></li>{{/next}}</ul>{{^enabled}}none while disabled{{/enabled}}</td>
        <td><ul class="plain">{{#fires}}<li>{{#at}}<time datetime="{{iso}}">{{utc}}</time>{{/at}} {{status}}{{#job}} <a href="/portal/jobs/{{job}}">job</a>{{/job}} {{reason}}</li>{{/fires}}</ul></td>
        <td>{{#enabled}}yes{{/enabled}}{{^enabled}}no{{/enabled}}
        <form class="inline" method="post" action="/portal/schedules/{{href}}/{{#enabled}}disable{{/enabled}}{{^enabled}}enable{{/enabled}}"><input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit" {{disabled}}>{{#enabled}}Disable{{/enabled}}{{^enabled}}Enable{{/enabled}}</button></form></td>
        </tr>{{/schedules}}</tbody>
        </table></div>
        {{/hasSchedules}}
        {{/content}}{{/layout}}
        """
}
