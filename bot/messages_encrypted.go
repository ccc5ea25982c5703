package bot

// encryptedEN and encryptedRU are the catalogues of encrypted rooms: the
// bot has no keys yet, so it reads nothing there and sends the member to
// an unencrypted direct chat.
var encryptedEN = map[string]string{
	"encrypted.room":       "%[1]v, this room is end-to-end encrypted and I cannot read encrypted messages yet, so nothing you write here reaches me. I have opened a direct chat with you without encryption: talk to me there, and type again there any command you typed here.",
	"encrypted.room_known": "%[1]v, this room is end-to-end encrypted and I cannot read encrypted messages yet, so nothing you write here reaches me. Talk to me in our direct chat without encryption, and type again there any command you typed here.",
	"encrypted.lost":       "%[1]v, I could not read a message you sent here at %[2]v: its encryption key never reached me. If it was a command, please send it again.",
	"encrypted.direct":     "Here I can read you. If you typed a command in the encrypted room, please type it again here; `help` shows what I can do.",
}

var encryptedRU = map[string]string{
	"encrypted.room":       "%[1]v, эта комната зашифрована, а я пока не умею читать зашифрованные сообщения, поэтому ничего из написанного здесь до меня не доходит. Я открыл с вами личный чат без шифрования: пишите мне там и повторите там команду, если набрали её здесь.",
	"encrypted.room_known": "%[1]v, эта комната зашифрована, а я пока не умею читать зашифрованные сообщения, поэтому ничего из написанного здесь до меня не доходит. Пишите мне в нашем личном чате без шифрования и повторите там команду, если набрали её здесь.",
	"encrypted.lost":       "%[1]v, я не смог прочитать ваше сообщение, отправленное здесь в %[2]v: ключ шифрования до меня не дошёл. Если это была команда, отправьте её ещё раз.",
	"encrypted.direct":     "Здесь я вас читаю. Если вы набрали команду в зашифрованной комнате, повторите её здесь; `помощь` покажет, что я умею.",
}
