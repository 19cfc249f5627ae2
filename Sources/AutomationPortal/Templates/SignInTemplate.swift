/// Sign-in with a token of `runbook token create`, and the error page.
enum SignInTemplate {
    static let text = """
        {{<layout}}{{$content}}
        <form class="card signin" method="post" action="/portal/signin">
          <p>Sign in with a token from <code>runbook token create NAME</code> (add <code>--role reader</code> for read-only).</p>
          {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
          <label for="token">Token</label>
          <input id="token" name="token" type="password" autocomplete="off" required autofocus>
          <input type="hidden" name="signin_token" value="{{signinToken}}">
          <button type="submit" class="primary">Sign in</button>
        </form>
        {{/content}}{{/layout}}
        """
}

enum ErrorTemplate {
    static let text = """
        {{<layout}}{{$content}}
        <p class="error" role="alert">{{message}}</p>
        <p><a href="/portal/machines">Back to the portal</a></p>
        {{/content}}{{/layout}}
        """
}
