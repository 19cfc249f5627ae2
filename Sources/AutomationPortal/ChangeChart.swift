import Automation
import Foundation

/// The timeline chart: counts per ConfigChangeType in time buckets, as stacked bars in an
/// inline SVG (no script, no external asset). Geometry only; the template draws it.
struct ChangeChart {
    static let width = 800
    static let height = 200
    static let plotTop = 10
    static let plotBottom = 170
    static let plotLeft = 40

    /// Colours per type, readable on white and distinct for common colour blindness (Okabe-Ito).
    static let colours: [ConfigType: String] = [
        .files: "#0072B2", .software: "#E69F00", .windowsServices: "#009E73", .registry: "#CC79A7",
        .daemons: "#D55E00",
    ]

    /// A bucket width that gives at most about 48 bars over `span` seconds.
    static func bucketSeconds(span: TimeInterval) -> Int64 {
        let steps: [Int64] = [60, 300, 900, 3600, 3 * 3600, 6 * 3600, 86_400, 7 * 86_400, 30 * 86_400]
        let wanted = max(span, 60) / 48
        return steps.first(where: { Double($0) >= wanted }) ?? 365 * 86_400
    }

    /// The template's values: bars (rects with a title), axis labels and the legend.
    static func values(counts: [ChangeCount], from start: Int64, to end: Int64, bucket: Int64) -> [String: Any] {
        let first = start / bucket * bucket
        let buckets = max(1, Int((end - first) / bucket) + 1)
        var totals = [Int](repeating: 0, count: buckets)
        var byBucket: [Int: [(ConfigType, Int)]] = [:]
        for count in counts {
            let index = Int((count.bucket - first) / bucket)
            guard index >= 0, index < buckets else { continue }
            totals[index] += count.count
            byBucket[index, default: []].append((count.type, count.count))
        }
        let peak = max(1, totals.max() ?? 1)
        let plotWidth = Double(width - plotLeft - 10)
        let barWidth = plotWidth / Double(buckets)
        let plotHeight = Double(plotBottom - plotTop)
        var bars: [[String: Any]] = []
        for (index, parts) in byBucket {
            var y = Double(plotBottom)
            let time = Date(timeIntervalSince1970: TimeInterval(first + Int64(index) * bucket))
            for (type, count) in parts.sorted(by: { $0.0 < $1.0 }) {
                let h = plotHeight * Double(count) / Double(peak)
                y -= h
                bars.append([
                    "x": format(Double(plotLeft) + barWidth * Double(index) + 1), "y": format(y),
                    "w": format(max(1, barWidth - 2)), "h": format(max(h, 0.5)), "fill": colours[type] ?? "#555",
                    "label": "\(count) \(type.rawValue) change\(count == 1 ? "" : "s") from "
                        + (PortalFormat.time(time)?["utc"] as? String ?? ""),
                ])
            }
        }
        let startTime = Date(timeIntervalSince1970: TimeInterval(first))
        let endTime = Date(timeIntervalSince1970: TimeInterval(first + Int64(buckets) * bucket))
        return [
            "width": width, "height": height, "bars": bars, "peak": peak, "top": plotTop, "bottom": plotBottom,
            "left": plotLeft, "right": width - 10, "labelY": plotBottom + 18,
            "startLabel": PortalFormat.time(startTime)?["utc"] as? String ?? "",
            "endLabel": PortalFormat.time(endTime)?["utc"] as? String ?? "",
            "legend": ConfigType.allCases.map { ["type": $0.rawValue, "fill": colours[$0] ?? "#555"] },
            "summary": "Changes per \(DurationWords.text(bucket)), highest bar \(peak)",
        ]
    }

    private static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}

/// A bucket width in words.
enum DurationWords {
    static func text(_ seconds: Int64) -> String {
        switch seconds {
        case ..<3600: "\(seconds / 60) minute\(seconds == 60 ? "" : "s")"
        case ..<86_400: "\(seconds / 3600) hour\(seconds == 3600 ? "" : "s")"
        default: "\(seconds / 86_400) day\(seconds == 86_400 ? "" : "s")"
        }
    }
}
