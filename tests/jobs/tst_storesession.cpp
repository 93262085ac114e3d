#include <core/jobs/openstore.h>
#include <testsupport.h>

#include <QElapsedTimer>
#include <QFile>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace EventScope;

// The worker behind every long operation: results on the caller's thread, in order, cancellable.
class TestStoreSession : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_store;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = TestSupport::demoStore(m_dir.path(), 200000, 2);
    }

    void resultArrivesOnCallerThread()
    {
        StoreSession session(m_store);
        QSignalSpy busy(&session, &StoreSession::busyChanged);
        std::optional<qint64> events;
        QThread* workerThread = nullptr;
        QThread* resultThread = nullptr;
        session.run<StoreInfo>(
            this,
            [&workerThread](EventStore& store, JobControl&) {
                workerThread = QThread::currentThread();
                return store.describe();
            },
            [&](Result<StoreInfo> info) {
                resultThread = QThread::currentThread();
                events = info->events.value;
            });
        QVERIFY(session.isBusy());
        QTRY_VERIFY(events.has_value());
        QCOMPARE(*events, 200000);
        QCOMPARE(resultThread, QThread::currentThread());
        QVERIFY(workerThread != QThread::currentThread());
        QTRY_COMPARE(busy.size(), 2);
        QCOMPARE(busy.at(0).at(0).toBool(), true);
        QCOMPARE(busy.at(1).at(0).toBool(), false);
        QVERIFY(!session.isBusy());
    }

    void jobsRunInOrder()
    {
        StoreSession session(m_store);
        QList<int> order;
        for (int i = 0; i < 5; ++i) {
            session.run<int>(
                this, [i](EventStore&, JobControl&) { return Result<int>(i); },
                [&order](Result<int> r) { order.append(*r); });
        }
        QTRY_COMPARE(order.size(), 5);
        QCOMPARE(order, (QList<int> { 0, 1, 2, 3, 4 }));
    }

    void cancelStopsRunningScan()
    {
        StoreSession session(m_store);
        std::optional<StoreError::Kind> outcome;
        std::atomic<bool> started { false };
        EventFilter filter;
        filter.category = u"account"_s; // a scan of the whole table, long enough to interrupt
        JobHandle job = session.run<qint64>(
            this,
            [&started, filter](EventStore& store, JobControl& control) {
                return store.scanKeys(filter, 256, [&](const QList<qint64>&, qint64) {
                    // Hold the scan at its first chunk until the cancel arrives, whatever the machine's speed.
                    started = true;
                    QElapsedTimer waited;
                    waited.start();
                    while (!control.isCancelled() && waited.elapsed() < 5000)
                        QThread::msleep(1);
                    return !control.isCancelled();
                });
            },
            [&outcome](
                Result<qint64> rows) { outcome = rows ? std::optional<StoreError::Kind>() : rows.error().kind; });
        QTRY_VERIFY(started.load());
        QElapsedTimer timer;
        timer.start();
        session.cancel(job);
        QTRY_VERIFY(outcome.has_value() || !session.isBusy());
        QCOMPARE(outcome, std::optional(StoreError::Kind::Cancelled));
        QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));

        // The session is still usable after a cancel.
        std::optional<qint64> events;
        session.run<StoreInfo>(
            this, [](EventStore& store, JobControl&) { return store.describe(); },
            [&](Result<StoreInfo> info) { events = info->events.value; });
        QTRY_COMPARE(events, std::optional<qint64>(200000));
    }

    void cancelAllDropsQueuedJobs()
    {
        StoreSession session(m_store);
        int ran = 0;
        int cancelled = 0;
        for (int i = 0; i < 20; ++i) {
            session.run<int>(
                this,
                [&ran](EventStore&, JobControl&) {
                    ++ran;
                    QThread::msleep(20);
                    return Result<int>(1);
                },
                [&cancelled](Result<int> r) { cancelled += r ? 0 : 1; });
        }
        session.cancelAll();
        QTRY_VERIFY(!session.isBusy());
        QVERIFY2(ran <= 2, qPrintable(QString::number(ran)));
        QVERIFY(cancelled >= 18);
    }

    void resultDroppedWhenContextIsGone()
    {
        StoreSession session(m_store);
        bool delivered = false;
        auto* context = new QObject;
        session.run<int>(
            context,
            [](EventStore&, JobControl&) {
                QThread::msleep(50);
                return Result<int>(1);
            },
            [&delivered](Result<int>) { delivered = true; });
        delete context;
        QTRY_VERIFY(!session.isBusy());
        QVERIFY(!delivered);
    }

    void openErrorReachesEveryJob()
    {
        const QString path = TestSupport::badFile(m_dir.path(), TestSupport::BadFile::Empty);
        StoreSession session(path);
        QList<StoreError> errors;
        for (int i = 0; i < 2; ++i) {
            session.run<StoreInfo>(
                this, [](EventStore& store, JobControl&) { return store.describe(); },
                [&errors](Result<StoreInfo> info) { errors.append(info.error()); });
        }
        QTRY_COMPARE(errors.size(), 2);
        for (const StoreError& error : errors) {
            QCOMPARE(error.kind, StoreError::Kind::Empty);
            QVERIFY(error.message.contains(path));
        }
    }

    // A lane whose connection failed tries again on its next job.
    void aFailedLaneConnectsOnItsNextJob()
    {
        const QString path = m_dir.filePath(u"later.sqlite"_s);
        StoreSession session(path);
        std::optional<Result<StoreInfo>> first;
        session.run<StoreInfo>(
            this, [](EventStore& store, JobControl&) { return store.describe(); },
            [&first](Result<StoreInfo> info) { first = std::move(info); });
        QTRY_VERIFY(first.has_value());
        QVERIFY(!*first);
        QCOMPARE(first->error().kind, StoreError::Kind::NotFound);

        QVERIFY(QFile::copy(m_store, path));
        std::optional<Result<StoreInfo>> second;
        session.run<StoreInfo>(
            this, [](EventStore& store, JobControl&) { return store.describe(); },
            [&second](Result<StoreInfo> info) { second = std::move(info); });
        QTRY_VERIFY(second.has_value());
        QVERIFY2(*second, *second ? "" : qPrintable(second->error().message));
        QCOMPARE((*second)->events, 200000);
    }

    void progressIsThrottled()
    {
        // The invariant, whatever the machine's speed: one report per 100 ms the job ran, plus the first.
        StoreSession session(m_store);
        QList<qint64> reports;
        bool done = false;
        qint64 ranMs = 0;
        constexpr qint64 kCalls = 200000;
        session.run<int>(
            this,
            [&ranMs](EventStore&, JobControl& control) {
                QElapsedTimer timer;
                timer.start();
                for (qint64 i = 1; i <= kCalls; ++i)
                    control.reportProgress(i, kCalls);
                ranMs = timer.elapsed();
                return Result<int>(0);
            },
            [&done](Result<int>) { done = true; }, [&reports](qint64 doneCount, qint64) { reports.append(doneCount); });
        QTRY_VERIFY(done);
        QCoreApplication::processEvents();
        QVERIFY(!reports.isEmpty());
        QCOMPARE(reports.first(), 1); // the first call always reports
        QVERIFY2(
            reports.size() <= ranMs / 100 + 1, qPrintable(u"%1 reports in %2 ms"_s.arg(reports.size()).arg(ranMs)));
        QVERIFY(std::is_sorted(reports.cbegin(), reports.cend()));
    }

    void destroyingASessionNeverWaitsForItsJob()
    {
        // A job that cannot end until the test lets it: if the destructor waited for it, this would hang.
        QSemaphore release;
        std::atomic<bool> started { false };
        std::atomic<bool> finished { false };
        {
            StoreSession session(m_store);
            session.run<int>(
                this,
                [&release, &started, &finished](EventStore&, JobControl&) {
                    started = true;
                    release.acquire();
                    finished = true;
                    return Result<int>(0);
                },
                [](Result<int>) {});
            QTRY_VERIFY(started);
        }
        QVERIFY(!finished);
        release.release();
        QTRY_VERIFY(finished);
    }

    void lanesDetectOnceAndShareTheStore()
    {
        OpenStore store(StoreLocation::sqliteFile(m_store), {});
        QVERIFY(!store.dialect());
        QString first, second;
        store.interactive().run<QString>(
            this, [](EventStore& events, JobControl&) { return Result<QString>(events.dialectName()); },
            [&first](Result<QString> name) { first = name ? *name : name.error().message; });
        QTRY_COMPARE(first, u"eventscope"_s);
        store.background().run<QString>(
            this, [](EventStore& events, JobControl&) { return Result<QString>(events.dialectName()); },
            [&second](Result<QString> name) { second = name ? *name : name.error().message; });
        QTRY_COMPARE(second, u"eventscope"_s);
        QVERIFY(store.dialect());
        QCOMPARE(store.dialect()->dialect, u"eventscope"_s);
        QCOMPARE(store.dialect()->confidence, 100);
        QCOMPARE(store.connector().detections(), 1);
        QCOMPARE(store.connector().connections(), 2);
    }
};

QTEST_GUILESS_MAIN(TestStoreSession)
#include "tst_storesession.moc"
