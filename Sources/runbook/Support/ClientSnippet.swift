import Automation
import Foundation

/// What a client of `runbook serve` needs, with this store's values: the lines `serve` prints
/// when it listens, and the Python snippet `runbook account show --client` prints.
enum ClientSnippet {
    /// One line per fact, under "Serving ...".
    static func summary(_ account: Account, url: String) -> String {
        let workspaceId = WorkspaceIdentity.customerId(workspace: account.workspace)
        return "Account: subscription \(account.subscription), resource group \(account.resourceGroup), "
            + "account \(account.name); Log Analytics workspace id \(workspaceId)\n"
            + "A ready Python client (Azure's SDKs): runbook account show --client --url \(url)\n"
    }

    /// Azure's Python SDKs pointed at this server, with the store's names filled in.
    static func python(_ account: Account, url: String, certificate: String?) -> String {
        let workspaceId = WorkspaceIdentity.customerId(workspace: account.workspace)
        let trust =
            certificate.map {
                "os.environ[\"REQUESTS_CA_BUNDLE\"] = \(quoted($0))   # trust the self-signed certificate\n"
            }
            ?? "# plain http on loopback: no certificate to trust\n"
        return """
            # pip install azure-mgmt-automation==2.0.0 azure-monitor-query
            import os, time, uuid
            from datetime import timedelta
            from azure.core.credentials import AccessToken
            from azure.mgmt.automation import AutomationClient
            from azure.mgmt.automation.models import JobCreateParameters, RunbookAssociationProperty
            from azure.monitor.query import LogsQueryClient

            \(trust)
            class Token:  # what azure-identity would give: a token of 'runbook token create NAME'
                def get_token(self, *scopes, **kw): return AccessToken(os.environ["RUNBOOK_TOKEN"], int(time.time()) + 3600)

            url = \(quoted(url))
            subscription, group, account = \(quoted(account.subscription)), \(quoted(account.resourceGroup)), \(quoted(account.name))
            client = AutomationClient(Token(), subscription, base_url=url)
            name = str(uuid.uuid4())
            client.job.create(group, account, name, JobCreateParameters(
                runbook=RunbookAssociationProperty(name="scan"), parameters={"location": "any"}))
            while client.job.get(group, account, name).status not in ("Completed", "Failed", "Stopped"):
                time.sleep(1)
            print(client.job.get_output(group, account, name))

            logs = LogsQueryClient(Token(), endpoint=url)
            result = logs.query_workspace(\(quoted(workspaceId)), "ConfigurationChange | count", timespan=timedelta(days=1))
            print(result.tables[0].rows)

            """
    }

    /// A Python string literal.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
