import ChangeTracking

/// The parsers of machine-folder artefacts, through ChangeTracking's fuzzing entry points.
enum MachineFolderTargets {
    static let all: [FuzzTarget] = []
}
