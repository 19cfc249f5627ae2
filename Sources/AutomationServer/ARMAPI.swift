import Automation
import AutomationService
import Foundation

/// The API's routes over the application layer. Paths are Azure's, under
/// `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Automation/automationAccounts/{automationAccountName}`.
public struct ARMAPI: Sendable {
    let service: AutomationService
    let submission: any JobSubmission

    static let accounts =
        "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Automation/automationAccounts"
    static let account = accounts + "/{automationAccountName}"

    public init(service: AutomationService, submission: any JobSubmission) {
        self.service = service
        self.submission = submission
    }

    public var routes: [ARMRoute] {
        serviceRoutes + accountRoutes + runbookRoutes + jobRoutes + scheduleRoutes + jobScheduleRoutes
            + workerRoutes + logAnalyticsRoutes
    }

    /// The account the path names (404 with Azure's message when there is none).
    func account(_ request: ARMRequest) async throws(ServiceError) -> (AccountState, String) {
        let state = try await service.account(
            subscription: request.parameter("subscriptionId"), resourceGroup: request.parameter("resourceGroupName"),
            name: request.parameter("automationAccountName"))
        return (state, ARMDocuments.accountPath(state))
    }

    var serviceRoutes: [ARMRoute] {
        [
            ARMRoute("GET", "openapi.json", "OpenAPI_Get", armVersioned: false) { _ throws(ServiceError) in
                ARMResponse(
                    status: 200, headers: [("Content-Type", "application/json")],
                    body: Data(OpenAPIDocument.text(routes).utf8))
            },
            ARMRoute("GET", "healthz", "Health_Get", armVersioned: false) { _ throws(ServiceError) in
                .json(.object([("status", .string("ok"))]))
            },
        ]
    }

    var accountRoutes: [ARMRoute] {
        [
            ARMRoute("GET", Self.account, "AutomationAccount_Get") { request throws(ServiceError) in
                .json(ARMDocuments.account(try await account(request).0))
            },
            ARMRoute("PUT", Self.account, "AutomationAccount_CreateOrUpdate", writes: true) {
                request throws(ServiceError) in
                let location = try request.decode(AccountBody.self).location
                let (state, created) = try await service.createAccount(
                    subscription: request.parameter("subscriptionId"),
                    resourceGroup: request.parameter("resourceGroupName"),
                    name: request.parameter("automationAccountName"), location: location)
                return .json(ARMDocuments.account(state), status: created ? 201 : 200)
            },
            ARMRoute(
                "GET",
                "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Automation/automationAccounts",
                "AutomationAccount_ListByResourceGroup"
            ) { request throws(ServiceError) in
                let all = try await service.accounts().filter {
                    $0.account.subscription.caseInsensitiveCompare(request.parameter("subscriptionId")) == .orderedSame
                        && $0.account.resourceGroup.caseInsensitiveCompare(request.parameter("resourceGroupName"))
                            == .orderedSame
                }
                return .json(ARMDocuments.page(all.map(ARMDocuments.account), next: nil))
            },
            ARMRoute(
                "GET", "subscriptions/{subscriptionId}/providers/Microsoft.Automation/automationAccounts",
                "AutomationAccount_List"
            ) { request throws(ServiceError) in
                let all = try await service.accounts().filter {
                    $0.account.subscription.caseInsensitiveCompare(request.parameter("subscriptionId")) == .orderedSame
                }
                return .json(ARMDocuments.page(all.map(ARMDocuments.account), next: nil))
            },
        ]
    }
}
