/// Jobs: the list; one job's timeline, streams and actions.
enum JobsTemplate {
    static let text = """
        {{<layout}}{{$content}}
        <form class="filters" method="get" action="/portal/jobs">
        <label>Status <select name="status">{{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statuses}}</select></label>
        <button type="submit">Apply</button>
        </form>
        {{^hasJobs}}{{#filtered}}<p class="empty">No jobs with this status.</p>{{/filtered}}{{^filtered}}<p class="empty">No jobs yet: start one from <a href="/portal/runbooks">Runbooks</a>.</p>{{/filtered}}{{/hasJobs}}
        {{#hasJobs}}
        <div class="table-wrap"><table id="jobs">
        <thead><tr><th scope="col">Job</th><th scope="col">Runbook</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Ended</th><th scope="col">Started by</th></tr></thead>
        <tbody>{{#jobs}}<tr><td class="mono"><a href="/portal/jobs/{{href}}">{{id}}</a></td><td>{{runbook}}</td><td><span class="status s-{{status}}">{{status}}</span></td>
        <td>{{#created}}<time datetime="{{iso}}">{{utc}}</time>{{/created}}</td><td>{{#ended}}<time datetime="{{iso}}">{{utc}}</time>{{/ended}}</td><td>{{startedBy}}</td></tr>{{/jobs}}</tbody>
        </table></div>
        {{/hasJobs}}
        {{/content}}{{/layout}}
        """
}

enum JobTemplate {
    static let text = """
        {{<layout}}{{$content}}
        <dl class="facts">
        <dt>Job</dt><dd class="mono">{{id}}</dd>
        <dt>Runbook</dt><dd><a href="/portal/runbooks/{{runbookHref}}">{{runbook}}</a></dd>
        <dt>Status</dt><dd><span class="status s-{{status}}" id="job-status">{{status}}</span></dd>
        <dt>Started by</dt><dd>{{startedBy}}</dd>
        {{#exception}}<dt>Exception</dt><dd class="error">{{exception}}</dd>{{/exception}}
        </dl>
        <div class="actions">
        <form class="inline" method="post" action="/portal/jobs/{{href}}/stop"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="stop" {{disabled}}{{^canStop}} disabled{{/canStop}}>Stop</button></form>
        <form class="inline" method="post" action="/portal/jobs/{{href}}/suspend"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="suspend" {{disabled}}{{^canSuspend}} disabled{{/canSuspend}}>Suspend</button></form>
        <form class="inline" method="post" action="/portal/jobs/{{href}}/resume"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="resume" {{disabled}}{{^canResume}} disabled{{/canResume}}>Resume</button></form>
        <a href="/portal/jobs/{{href}}">Refresh</a>
        </div>
        <h2>Parameters</h2>
        <dl class="facts">{{#parameters}}<dt>{{name}}</dt><dd class="mono">{{value}}</dd>{{/parameters}}</dl>
        <h2>Status timeline</h2>
        <ol class="timeline">{{#history}}<li><span class="status s-{{status}}">{{status}}</span> {{#at}}<time datetime="{{iso}}">{{utc}}</time>{{/at}}</li>{{/history}}</ol>
        <h2>Streams</h2>
        <p class="hint">{{earlier}} <a href="/portal/jobs/{{href}}/output.txt">The whole Output as text</a></p>
        <ol class="streams" id="streams" data-job="{{href}}" data-after="{{lastSeq}}"{{#live}} data-live="1"{{/live}}>
        {{#streams}}<li class="st-{{kind}}"><span class="stream">{{stream}}</span> {{#at}}<time datetime="{{iso}}">{{utc}}</time>{{/at}} <span class="msg">{{message}}</span></li>{{/streams}}
        </ol>
        {{^hasStreams}}<p class="empty" id="no-streams">No output yet{{#live}}: new output appears here while the job runs (or press Refresh){{/live}}.</p>{{/hasStreams}}
        {{/content}}{{/layout}}
        """
}
