#pragma once

#include <QString>
#include <QStringList>

namespace adserve {

class MainWindow;
class StudioSession;

// Renders a picture of each panel, on the data the session holds, into a folder: the
// campaigns with the editor open, a simulated delivery, the what-if grid, reach over two weeks
// of demo traffic, the cache after a warm-up and its stale keys, the server after a short load
// run and the connection settings. Works offscreen
// (QWidget::grab).
namespace ScreenshotTour {

// Returns the files written; empty with `error` set on failure.
QStringList run(MainWindow &window, StudioSession &session, const QString &folder, QString *error);

} // namespace ScreenshotTour
} // namespace adserve
