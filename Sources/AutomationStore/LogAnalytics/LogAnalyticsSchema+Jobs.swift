import KQL

extension LogAnalyticsSchema {
    /// Jobs as Azure Automation forwards them to a workspace: `JobLogs` (a row per status change)
    /// and `JobStreams` (a row per stream record), both read from the job history itself.
    static let azureDiagnostics = KQLTable(
        name: "AzureDiagnostics",
        source: """
            (SELECT s.at AS timeGenerated, 'JobLogs' AS category, s.jobId AS jobId, s.status AS resultType,
                NULL AS description, '' AS streamType,
                CASE s.status WHEN 'Failed' THEN 'Error' ELSE 'Informational' END AS level
             FROM jobStatus AS s
             UNION ALL
             SELECT t.at, 'JobStreams', t.jobId, 'In Progress', t.message, t.stream,
                CASE t.stream WHEN 'Error' THEN 'Error' WHEN 'Warning' THEN 'Warning' ELSE 'Informational' END
             FROM jobStream AS t) AS ad
            JOIN job AS j ON j.id = ad.jobId LEFT JOIN account AS a ON a.name = j.accountName
            """,
        columns: [
            KQLColumn(name: "TimeGenerated", type: .datetime, sql: "ad.timeGenerated"),
            KQLColumn(name: "Category", type: .string, sql: "ad.category"),
            KQLColumn(name: "ResourceProvider", type: .string, sql: "'MICROSOFT.AUTOMATION'"),
            KQLColumn(name: "ResourceType", type: .string, sql: "'AUTOMATIONACCOUNTS'"),
            KQLColumn(name: "Resource", type: .string, sql: "upper(COALESCE(j.accountName, ''))"),
            KQLColumn(name: "ResourceGroup", type: .string, sql: "upper(COALESCE(a.resourceGroup, ''))"),
            KQLColumn(name: "SubscriptionId", type: .string, sql: "upper(COALESCE(a.subscription, ''))"),
            KQLColumn(name: "ResourceId", type: .string, sql: "upper(\(accountId))"),
            KQLColumn(name: "_ResourceId", type: .string, sql: "lower(\(accountId))"),
            KQLColumn(name: "_SubscriptionId", type: .string, sql: "lower(COALESCE(a.subscription, ''))"),
            KQLColumn(name: "OperationName", type: .string, sql: "'Job'"),
            KQLColumn(name: "RunbookName_s", type: .string, sql: "j.runbookName"),
            KQLColumn(name: "JobId_g", type: .guid, sql: "ad.jobId"),
            KQLColumn(name: "ResultType", type: .string, sql: "ad.resultType"),
            KQLColumn(
                name: "ResultDescription", type: .string,
                sql: "COALESCE(ad.description, CASE WHEN ad.resultType = 'Failed' AND j.exception IS NOT NULL "
                    + "THEN j.exception ELSE 'Job is ' || lower(ad.resultType) END)"),
            KQLColumn(name: "StreamType_s", type: .string, sql: "ad.streamType"),
            KQLColumn(name: "Caller_s", type: .string, sql: "COALESCE(j.startedBy, j.startReason)"),
            KQLColumn(name: "Level", type: .string, sql: "ad.level"),
            KQLColumn(name: "SourceSystem", type: .string, sql: "'Azure'"),
            KQLColumn(name: "Type", type: .string, sql: "'AzureDiagnostics'"),
        ]
    )

    private static let accountId =
        "'/SUBSCRIPTIONS/' || COALESCE(a.subscription, '') || '/RESOURCEGROUPS/' || COALESCE(a.resourceGroup, '') "
        + "|| '/PROVIDERS/MICROSOFT.AUTOMATION/AUTOMATIONACCOUNTS/' || COALESCE(j.accountName, '')"
}
