/// Where events happen, at the level of countries: countries, their capitals and seats of
/// government, and disputed or distinct regions, in English and German, as one table of data.
/// Two reports of one event are mostly about the same country; two events of one kind (a leader's
/// visits to two countries) differ there first. Cities and states below that level are left out:
/// news names them in passing (sports teams, agencies) far more often than as the scene.
///
/// Each line is `PLACE: name, name, ...`; names are matched as folded words or phrases
/// (`sri lanka`, `buenos aires`; a hyphen counts as a space).
enum Places {
    static let table = """
        afghanistan: afghanistan, kabul
        albania: albania, albanien, tirana
        algeria: algeria, algerien, algier, algiers
        andorra: andorra
        angola: angola, luanda
        argentina: argentina, argentinien, buenos aires
        armenia: armenia, armenien, eriwan, yerevan
        australia: australia, australien, canberra
        austria: austria, österreich, wien, vienna
        azerbaijan: azerbaijan, aserbaidschan, baku
        bahamas: bahamas, nassau
        bahrain: bahrain, manama
        bangladesh: bangladesh, bangladesch, dhaka, dakka
        barbados: barbados
        belarus: belarus, weißrussland, minsk
        belgium: belgium, belgien, brüssel, brussels
        belize: belize
        benin: benin, porto novo
        bhutan: bhutan, thimphu
        bolivia: bolivia, bolivien, la paz, sucre
        bosnia: bosnia, bosnien, herzegowina, herzegovina, sarajevo
        botswana: botswana, gaborone
        brazil: brazil, brasilien, brasília, brasilia
        brunei: brunei
        bulgaria: bulgaria, bulgarien, sofia
        burkina faso: burkina faso, ouagadougou
        burundi: burundi, gitega
        cambodia: cambodia, kambodscha, phnom penh
        cameroon: cameroon, kamerun, yaoundé, yaounde
        canada: canada, kanada, ottawa
        cape verde: cape verde, kap verde, praia
        central african republic: bangui
        chad: tschad, n'djamena
        chile: chile, santiago
        china: china, volksrepublik china, peking, beijing
        colombia: colombia, kolumbien, bogotá, bogota
        comoros: comoros, komoren
        congo: congo, kongo, kinshasa, brazzaville
        costa rica: costa rica, san josé
        croatia: croatia, kroatien, zagreb
        cuba: cuba, kuba, havana, havanna
        cyprus: cyprus, zypern, nikosia, nicosia
        czechia: czechia, czech republic, tschechien, prag, prague
        denmark: denmark, dänemark, kopenhagen, copenhagen
        djibouti: djibouti, dschibuti
        dominican republic: dominican republic, dominikanische republik, santo domingo
        ecuador: ecuador, quito
        egypt: egypt, ägypten, kairo, cairo
        el salvador: el salvador, san salvador
        equatorial guinea: equatorial guinea, äquatorialguinea, malabo
        eritrea: eritrea, asmara
        estonia: estonia, estland, tallinn
        eswatini: eswatini, swaziland, swasiland
        ethiopia: ethiopia, äthiopien, addis abeba, addis ababa
        fiji: fiji, fidschi, suva
        finland: finland, finnland, helsinki
        france: france, frankreich, paris
        gabon: gabon, gabun, libreville
        gambia: gambia, banjul
        georgia country: georgien, tiflis, tbilisi
        germany: germany, deutschland, bundesrepublik, berlin
        ghana: ghana, accra
        greece: greece, griechenland, athen, athens
        guatemala: guatemala
        guinea: guinea, conakry
        guyana: guyana, georgetown
        haiti: haiti, port-au-prince
        honduras: honduras, tegucigalpa
        hungary: hungary, ungarn, budapest
        iceland: iceland, reykjavík, reykjavik
        india: india, indien, neu-delhi, new delhi, delhi
        indonesia: indonesia, indonesien, jakarta
        iran: iran, teheran, tehran
        iraq: iraq, irak, bagdad, baghdad
        ireland: ireland, irland, dublin
        israel: israel, jerusalem, tel aviv
        italy: italy, italien, rom, rome
        ivory coast: ivory coast, elfenbeinküste, côte d'ivoire, abidjan, yamoussoukro
        jamaica: jamaica, jamaika, kingston
        japan: japan, tokio, tokyo
        jordan: jordan, jordanien, amman
        kazakhstan: kazakhstan, kasachstan, astana
        kenya: kenya, kenia, nairobi
        kosovo: kosovo, pristina
        kuwait: kuwait
        kyrgyzstan: kyrgyzstan, kirgistan, bischkek, bishkek
        laos: laos, vientiane
        latvia: latvia, lettland, riga
        lebanon: lebanon, libanon, beirut
        lesotho: lesotho, maseru
        liberia: liberia, monrovia
        libya: libya, libyen, tripolis, tripoli
        liechtenstein: liechtenstein, vaduz
        lithuania: lithuania, litauen, vilnius, wilna
        luxembourg: luxembourg, luxemburg
        madagascar: madagascar, madagaskar, antananarivo
        malawi: malawi, lilongwe
        malaysia: malaysia, kuala lumpur
        maldives: maldives, malediven, malé
        mali: mali, bamako
        malta: malta, valletta
        mauritania: mauritania, mauretanien, nouakchott
        mauritius: mauritius, port louis
        mexico: mexico, mexiko, mexiko-stadt, mexico city
        moldova: moldova, moldau, moldawien, chișinău, chisinau
        monaco: monaco
        mongolia: mongolia, mongolei, ulan bator, ulaanbaatar
        montenegro: montenegro, podgorica
        morocco: morocco, marokko, rabat
        mozambique: mozambique, mosambik, maputo
        myanmar: myanmar, burma, birma, naypyidaw
        namibia: namibia, windhoek
        nepal: nepal, kathmandu
        netherlands: netherlands, niederlande, holland, amsterdam, den haag, the hague
        new zealand: new zealand, neuseeland, wellington
        nicaragua: nicaragua, managua
        niger: niger, niamey
        nigeria: nigeria, abuja
        north korea: north korea, nordkorea, pjöngjang, pyongyang
        north macedonia: north macedonia, nordmazedonien, mazedonien, macedonia, skopje
        norway: norway, norwegen, oslo
        oman: oman, maskat, muscat
        pakistan: pakistan, islamabad
        palestine: palestine, palästina, palästinensergebiete, gaza, gazastreifen, gaza strip, westjordanland, west bank, ramallah
        panama: panama
        papua new guinea: papua new guinea, papua-neuguinea, port moresby
        paraguay: paraguay, asunción, asuncion
        peru: peru, lima
        philippines: philippines, philippinen, manila
        poland: poland, polen, warschau, warsaw
        portugal: portugal, lissabon, lisbon
        qatar: qatar, katar, doha
        romania: romania, rumänien, bukarest, bucharest
        russia: russia, russland, russische föderation, moskau, moscow, kreml, kremlin
        rwanda: rwanda, ruanda, kigali
        saudi arabia: saudi arabia, saudi-arabien, riad, riyadh
        senegal: senegal, dakar
        serbia: serbia, serbien, belgrad, belgrade
        sierra leone: sierra leone, freetown
        singapore: singapore, singapur
        slovakia: slovakia, slowakei, bratislava, pressburg
        slovenia: slovenia, slowenien, ljubljana, laibach
        somalia: somalia, mogadischu, mogadishu
        south africa: south africa, südafrika, pretoria, kapstadt, cape town, johannesburg
        south korea: south korea, südkorea, seoul
        south sudan: south sudan, südsudan, juba
        spain: spain, spanien, madrid
        sri lanka: sri lanka, colombo
        sudan: sudan, khartum, khartoum
        suriname: suriname, paramaribo
        sweden: sweden, schweden, stockholm
        switzerland: switzerland, schweiz, bern
        syria: syria, syrien, damaskus, damascus
        taiwan: taiwan, taipeh, taipei
        tajikistan: tajikistan, tadschikistan, duschanbe, dushanbe
        tanzania: tanzania, tansania, dodoma, daressalam, dar es salaam
        thailand: thailand, bangkok
        togo: togo, lomé
        tunisia: tunisia, tunesien, tunis
        turkey: turkey, türkei, türkiye, ankara, istanbul
        turkmenistan: turkmenistan, aschgabat, ashgabat
        uganda: uganda, kampala
        ukraine: ukraine, kiew, kyiv, kiev
        united arab emirates: united arab emirates, vereinigte arabische emirate, emirate, abu dhabi, dubai
        united kingdom: united kingdom, großbritannien, britain, vereinigtes königreich, england, schottland, scotland, wales, nordirland, northern ireland, london
        united states: united states, vereinigte staaten, usa, washington
        uruguay: uruguay, montevideo
        uzbekistan: uzbekistan, usbekistan, taschkent, tashkent
        venezuela: venezuela, caracas
        vietnam: vietnam, hanoi, ho-chi-minh-stadt, ho chi minh city, saigon
        yemen: yemen, jemen, sanaa
        zambia: zambia, sambia, lusaka
        zimbabwe: zimbabwe, simbabwe, harare
        crimea: crimea, krim
        donbas: donbas, donbass, donezk, donetsk, luhansk, lugansk
        kashmir: kashmir, kaschmir
        hong kong: hong kong, hongkong
        tibet: tibet, lhasa
        xinjiang: xinjiang
        greenland: greenland, grönland
        puerto rico: puerto rico
        """

    /// Keys of folded names (words joined by a space; hyphens count as spaces) to place numbers.
    static let index: [UInt64: Int] = {
        var index: [UInt64: Int] = [:]
        for (number, line) in table.split(separator: "\n").enumerated() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            for name in line[line.index(after: colon)...].split(separator: ",") {
                let words = name.trimmingCharacters(in: " ").lowercased().split(whereSeparator: { $0 == "-" || $0 == " " })
                guard !words.isEmpty else { continue }
                index[key(words.map { ByteWords.hash(String($0)) })] = number
            }
        }
        return index
    }()

    /// The longest name, in words.
    static let longestName: Int = {
        table.split(separator: "\n").flatMap { line in
            line.split(separator: ":").dropFirst().first?.split(separator: ",").map { name in
                name.split(whereSeparator: { $0 == "-" || $0 == " " }).count
            } ?? []
        }.max() ?? 1
    }()

    /// The key of a phrase from its words' hashes (`ByteWords.hash` of each folded word).
    static func key(_ words: some Sequence<UInt64>) -> UInt64 {
        var key: UInt64 = 0x706c_6163_6573
        for word in words { key = TermHash.combine(key, word) }
        return key
    }

    /// The place a folded phrase names, if any (for tests and tools).
    static func place(_ phrase: String) -> Int? {
        let words = phrase.split(whereSeparator: { $0 == "-" || $0 == " " })
        if let place = index[key(words.map { ByteWords.hash(String($0)) })] { return place }
        guard let last = words.last, last.count > 4, last.hasSuffix("s"), !last.hasSuffix("ss") else { return nil }
        return index[key(words.dropLast().map { ByteWords.hash(String($0)) } + [ByteWords.hash(String(last.dropLast()))])]
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        let start = firstIndex { !characters.contains($0) } ?? endIndex
        let end = lastIndex { !characters.contains($0) }.map { index(after: $0) } ?? start
        return start < end ? String(self[start..<end]) : ""
    }
}
