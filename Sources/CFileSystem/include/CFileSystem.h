#ifndef RUNBOOK_CFILESYSTEM_H
#define RUNBOOK_CFILESYSTEM_H

/// The file system type (statfs f_type) of the file system holding `path`; -1 on error.
long runbook_fs_type(const char *path);

#endif
