#pragma once

#include "QaTestServer.h"

#include <QObject>

// Declared apart from its definitions: moc cannot read the raw string literals there.
class QaJournalTest : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();

    void recordsWhatHappened();
    void filterCounts_data();
    void filterCounts();
    void badFilters_data();
    void badFilters();
    void contractFlags_data();
    void contractFlags();
    void harExport();
    void jsonExport();
    void harImportAndReplay();
    void replayRejectsBadHar_data();
    void replayRejectsBadHar();
    void survivesRestart();
    void boundedByCount();
    void boundedByBytes();
    void offUnlessAskedFor();
    void qaFlagOfTheServer();

private:
    QString base() const { return server_.url(); }
    QaTestServer server_;
};
