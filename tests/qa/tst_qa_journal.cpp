#include <QTest>
class QaJournalTest : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(QaJournalTest)
#include "tst_qa_journal.moc"
