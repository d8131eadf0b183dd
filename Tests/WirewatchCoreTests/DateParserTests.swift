import Testing
@testable import WirewatchCore

struct DateParserTests {
    @Test(arguments: [
        ("2024-06", "2024-06"),
        ("2024-06-18", "2024-06-18"),
        ("2024-06-18T10:30", "2024-06-18T10:30"),
        ("2024-06-18T10:30Z", "2024-06-18T10:30Z"),
        ("2024-06-18T10:30:05", "2024-06-18T10:30:05"),
        ("2024-06-18T10:30:05Z", "2024-06-18T10:30:05Z"),
        ("2024-06-18T10:30:00+02:00", "2024-06-18T10:30:00+02:00"),
        ("2024-06-18T10:30+02:00", "2024-06-18T10:30+02:00"),
        ("2024-06-18T10:30:00-05:00", "2024-06-18T10:30:00-05:00"),
        ("2024-06-18T10:30:00+05:30", "2024-06-18T10:30:00+05:30"),
        ("2024-06-18T10:30:00+0200", "2024-06-18T10:30:00+02:00"),
        ("2024-06-18T10:30:00.123Z", "2024-06-18T10:30:00Z"),
        ("2024-06-18T10:30:00.123456+02:00", "2024-06-18T10:30:00+02:00"),
        ("2024-06-18 10:30:00", "2024-06-18T10:30:00"),
        ("2024-06-18 10:30:00 +02:00", "2024-06-18T10:30:00+02:00"),
        ("  2024-06-18T10:30:00Z  ", "2024-06-18T10:30:00Z"),
        ("2024-02-29", "2024-02-29"),
    ])
    func isoFormsAreRead(_ text: String, _ iso: String) {
        #expect(DateParser.parse(text)?.description == iso)
    }

    @Test(arguments: [
        ("Tue, 18 Jun 2024 10:30:00 +0200", "2024-06-18T10:30:00+02:00"),
        ("18 Jun 2024 10:30:00 +0200", "2024-06-18T10:30:00+02:00"),
        ("Tue, 18 Jun 2024 08:30:00 GMT", "2024-06-18T08:30:00Z"),
        ("Tue, 18 Jun 2024 08:30:00 UT", "2024-06-18T08:30:00Z"),
        ("Tue, 18 Jun 2024 04:30:00 -0400", "2024-06-18T04:30:00-04:00"),
        ("Tue, 18 Jun 2024 04:30:00 EDT", "2024-06-18T04:30:00-04:00"),
        ("Tue, 8 Jun 2024 10:30 +0200", "2024-06-08T10:30+02:00"),
    ])
    func rfc2822DatesAreRead(_ text: String, _ iso: String) {
        #expect(DateParser.parse(text)?.description == iso)
    }

    @Test func anRFC2822DateWithAZoneCommentIsRead() {
        // Most mailers add the zone's name as a comment.
        #expect(DateParser.parse("Tue, 18 Jun 2024 10:30:00 +0200 (CEST)")?.description == "2024-06-18T10:30:00+02:00")
    }

    @Test(arguments: [
        ("18.06.2024", "2024-06-18"),
        ("18.6.2024", "2024-06-18"),
        ("18.06.24", "2024-06-18"),
        ("18/06/2024", "2024-06-18"),
        ("18. Juni 2024", "2024-06-18"),
        ("1. März 2024", "2024-03-01"),
        ("3. Jänner 2024", "2024-01-03"),
        ("18. Juni 2024, 10:30 Uhr", "2024-06-18T10:30"),
        ("18. Juni 2024 10.30 Uhr", "2024-06-18T10:30"),
        ("18.06.2024, 10:30 Uhr", "2024-06-18T10:30"),
        ("18.06.2024 um 10:30 Uhr", "2024-06-18T10:30"),
        ("Dienstag, 18. Juni 2024", "2024-06-18"),
        ("Dienstag, 18. Juni 2024, 10:30 Uhr", "2024-06-18T10:30"),
        ("Di, 18.06.2024", "2024-06-18"),
        ("18. Juni 2024, 10:30 Uhr MESZ", "2024-06-18T10:30+02:00"),
        ("18. Dezember 2024 10:30 MEZ", "2024-12-18T10:30+01:00"),
        ("Stand: 18.06.2024 10:30 Uhr", "2024-06-18T10:30"),
        ("Veröffentlicht am 18. Juni 2024", "2024-06-18"),
        ("Juni 2024", "2024-06"),
    ])
    func germanFormsAreRead(_ text: String, _ iso: String) {
        #expect(DateParser.parse(text)?.description == iso)
    }

    @Test(arguments: [
        ("18 Jun 2024", "2024-06-18"),
        ("18 June 2024", "2024-06-18"),
        ("June 18, 2024", "2024-06-18"),
        ("Jun 18, 2024", "2024-06-18"),
        ("Jun. 18, 2024", "2024-06-18"),
        ("Tuesday, June 18, 2024", "2024-06-18"),
        ("June 18, 2024 10:30", "2024-06-18T10:30"),
        ("June 18, 2024 at 3:45 pm EDT", "2024-06-18T15:45-04:00"),
        ("June 18, 2024 12:05 AM", "2024-06-18T00:05"),
        ("Updated 18 June 2024 10:30 BST", "2024-06-18T10:30+01:00"),
        ("Published: June 18, 2024", "2024-06-18"),
        ("Sept 3, 2024", "2024-09-03"),
        ("June 2024", "2024-06"),
    ])
    func englishFormsAreRead(_ text: String, _ iso: String) {
        #expect(DateParser.parse(text)?.description == iso)
    }

    @Test(arguments: [
        "31.02.2024", "30. Februar 2024", "29.02.2023", "2023-02-29", "hello", "2024", "", "   ", "18", "18.06.",
        "2024-13-01", "2024-00-10", "2024-06-32", "2024-06-18T25:00", "2024-06-18T10:60", "2024-06-18T10:30:00 nonsense",
        "1969-12-31", "2101-01-01", "18. Juno 2024", "June 31, 2024", "32 Jun 2024", "10:30 Uhr", "18.06.2024 und mehr Text",
        "Am 18. Juni 2024 traf Putin in Pjöngjang ein, wo ihn Kim Jong Un empfing.", "ISBN 978-3-16-148410-0",
        "Tel. 030 1234567", "2024-06-18T10:30:00+25:00",
    ])
    func nonsenseIsRejected(_ text: String) {
        #expect(DateParser.parse(text) == nil, "parsed as \(DateParser.parse(text)?.description ?? "")")
    }

    @Test func aVeryLongStringIsRejectedQuickly() {
        #expect(DateParser.parse(String(repeating: "18. Juni 2024 ", count: 100)) == nil)
    }

    @Test func theParsedFieldsAreFilledIn() throws {
        let date = try #require(DateParser.parse("Tue, 18 Jun 2024 10:30:05 +0200"))
        #expect(date.year == 2024)
        #expect(date.month == 6)
        #expect(date.day == 18)
        #expect(date.hour == 10)
        #expect(date.minute == 30)
        #expect(date.second == 5)
        #expect(date.utcOffsetMinutes == 120)
        #expect(date.precision == .second)
    }

    @Test func precisionFollowsWhatTheSourceGave() {
        #expect(DateParser.parse("2024-06")?.precision == .month)
        #expect(DateParser.parse("18. Juni 2024")?.precision == .day)
        #expect(DateParser.parse("18.06.2024 10:30")?.precision == .minute)
        #expect(DateParser.parse("2024-06-18T10:30:05Z")?.precision == .second)
    }
}

struct PublishedDateTests {
    @Test func aMonthIsWrittenAsYearAndMonth() {
        #expect(PublishedDate(year: 2024, month: 6, precision: .month).description == "2024-06")
    }

    @Test func aDayIsWrittenAsADate() {
        #expect(PublishedDate(year: 2024, month: 6, day: 8, precision: .day).description == "2024-06-08")
    }

    @Test func aDayIgnoresTimeAndZone() {
        #expect(PublishedDate(year: 2024, month: 6, day: 8, hour: 10, minute: 30, utcOffsetMinutes: 120, precision: .day).description == "2024-06-08")
    }

    @Test func aMinuteWithoutZoneHasNoSuffix() {
        #expect(PublishedDate(year: 2024, month: 6, day: 18, hour: 9, minute: 5, precision: .minute).description == "2024-06-18T09:05")
    }

    @Test func aPositiveOffsetIsWrittenWithHoursAndMinutes() {
        #expect(PublishedDate(year: 2024, month: 6, day: 18, hour: 10, minute: 30, utcOffsetMinutes: 120, precision: .minute).description == "2024-06-18T10:30+02:00")
    }

    @Test func aNegativeHalfHourOffsetIsWrittenCorrectly() {
        #expect(PublishedDate(year: 2024, month: 6, day: 18, hour: 10, minute: 30, second: 7, utcOffsetMinutes: -210, precision: .second).description == "2024-06-18T10:30:07-03:30")
    }

    @Test func utcIsWrittenAsZ() {
        #expect(PublishedDate(year: 2024, month: 1, day: 2, hour: 3, minute: 4, second: 5, utcOffsetMinutes: 0, precision: .second).description == "2024-01-02T03:04:05Z")
    }

    @Test func theDescriptionReadsBackToTheSameDate() throws {
        for text in ["2024-06", "2024-06-18", "2024-06-18T10:30", "2024-06-18T10:30+02:00", "2024-06-18T10:30:05-03:30", "2024-06-18T10:30:05Z"] {
            let date = try #require(DateParser.parse(text))
            #expect(DateParser.parse(date.description) == date)
            #expect(date.description == text)
        }
    }

    @Test func datesCompareByTheInstantTheyName() throws {
        let berlin = try #require(DateParser.parse("2024-06-18T10:30:00+02:00"))
        let utc = try #require(DateParser.parse("2024-06-18T08:30:00Z"))
        let later = try #require(DateParser.parse("2024-06-18T09:00:00Z"))
        #expect(berlin.secondsSince1970 == utc.secondsSince1970)
        #expect(utc < later)
        #expect(berlin < later)
        #expect(!(berlin < utc) && !(utc < berlin))
        #expect(utc.secondsSince1970 == 1_718_699_400)
    }

    @Test func theEpochStartsIn1970() {
        #expect(PublishedDate(year: 1970, month: 1, day: 1, precision: .day).secondsSince1970 == 0)
        #expect(PublishedDate(year: 2000, month: 3, day: 1, precision: .day).secondsSince1970 == 951_868_800)
    }

    @Test(arguments: [
        ("05/28/2013", "2013-05-28"),
        ("28/05/2013", "2013-05-28"),
        ("05/02/2013 10:30 pm", "2013-05-02T22:30"),
        ("05/02/2013 10:30 EDT", "2013-05-02T10:30-04:00"),
    ])
    func aSlashedDateIsReadInTheOnlyOrderItCanHave(_ text: String, _ iso: String) throws {
        let date = try #require(DateParser.parse(text))
        #expect(date.description == iso)
        #expect(!date.dayMonthOrderUnknown)
    }

    @Test func aSlashedDateThatCouldBeEitherWayIsReadAsTheArticlesLanguageWritesIt() throws {
        let date = try #require(DateParser.parse("05/02/2013"))
        #expect(date.dayMonthOrderUnknown)
        #expect(date.description == "2013-02-05")
        #expect(date.readingSlashes(as: "en").description == "2013-05-02")
        #expect(date.readingSlashes(as: "de").description == "2013-02-05")
        #expect(date.readingSlashes(as: nil).description == "2013-02-05")
        #expect(!date.readingSlashes(as: "en").dayMonthOrderUnknown)
        // The same number twice, dots, and dates that say which is the month are not in doubt.
        for text in ["05/05/2013", "05.02.2013", "18/06/2024", "June 5, 2013"] {
            #expect(DateParser.parse(text)?.dayMonthOrderUnknown == false, "\(text)")
        }
    }

    @Test func anEnglishArticlesSlashedDatelineIsMonthFirstAndAGermanOnesDayFirst() throws {
        let english = try ArticleParser().parse(
            Array("""
                Lindsay Lohan checks into rehab to begin her stay

                05/02/2013

                The actress has checked into a rehab facility to begin a court-ordered stay, her lawyer said on \
                Thursday. She had been expected at another clinic the day before.
                """.utf8), fileName: "en.txt")
        #expect(english.language == "en")
        #expect(english.published?.description == "2013-05-02")
        #expect(english.rules["published"]?.hasSuffix("month first (English)") == true)
        let german = try ArticleParser().parse(
            Array("""
                Schauspielerin beginnt ihren Aufenthalt in der Klinik

                05/02/2013

                Die Schauspielerin hat sich in eine Klinik begeben, wie ihr Anwalt am Donnerstag sagte. Sie war \
                am Tag zuvor in einer anderen Klinik erwartet worden.
                """.utf8), fileName: "de.txt")
        #expect(german.language == "de")
        #expect(german.published?.description == "2013-02-05")
        #expect(german.rules["published"]?.hasSuffix("day first") == true)
    }
}
